using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Self-referential substitutions and +=.</summary>
public class SelfReferenceTests
{
    [Theory]
    [InlineData("path = \"a:b:c\"\npath = ${path}\":d\"", """{"path":"a:b:c:d"}""")]
    [InlineData("path = [a]\npath = ${path} [b]", """{"path":["a","b"]}""")]
    [InlineData("path = [a]\npath = [z] ${path}", """{"path":["z","a"]}""")]
    [InlineData("a = 1\na = ${a}", """{"a":1}""")]
    [InlineData("foo { a = 1 }\nfoo = ${foo}", """{"foo":{"a":1}}""")]
    [InlineData("foo { a = 1 }\nfoo = ${foo} { b = 2 }", """{"foo":{"a":1,"b":2}}""")]
    [InlineData("foo { a = 1 }\nfoo = ${foo.a}", """{"foo":1}""")]          // looks inside its own earlier value
    [InlineData("a = x\na = ${a}y\na = ${a}z", """{"a":"xyz"}""")]
    [InlineData("a { b = 1 }\na.b = ${a.b}0", """{"a":{"b":"10"}}""")]
    [InlineData("a = ${?a}x", """{"a":"x"}""")]                               // optional with no earlier value
    [InlineData("a = ${?a}", "{}")]
    [InlineData("x { y = 1 }\nx { y = ${x.y} 2 }", """{"x":{"y":"1 2"}}""")]
    [InlineData("a { b = 1 }\na = ${a} { c = ${a.b} }", """{"a":{"b":1,"c":1}}""")]     // cycle broken by looking backward
    [InlineData("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }", """{"foo":{"a":2,"c":1}}""")]
    public void SelfReferenceSeesTheEarlierValue(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void SelfReferenceDoesNotSeeLaterValues() =>
        Same("""{"a":"12","b":"12"}""", "a = 1\na = ${a}2\nb = ${a}");

    [Fact]
    public void SelfReferenceWithoutEarlierValueIsAnError()
    {
        var e = FailsAt("a = ${a}", 1, 5);
        Assert.Contains("${a}", e.Message);
    }

    [Theory]
    [InlineData("a += 1", """{"a":[1]}""")]
    [InlineData("a = [1]\na += 2", """{"a":[1,2]}""")]
    [InlineData("a = [1]\na += 2\na += [3]", """{"a":[1,2,[3]]}""")]
    [InlineData("o { a = [x] }\no { a += y }", """{"o":{"a":["x","y"]}}""")]
    [InlineData("o.a += 1\no.a += 2", """{"o":{"a":[1,2]}}""")]
    [InlineData("a = [1]\nb { c += 2 }\nb.c = ${a} ${b.c}", """{"a":[1],"b":{"c":[1,2]}}""")]
    public void PlusEqualsAppends(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void PlusEqualsOnANonArrayIsAnError() => Fails("a = 1\na += 2");
}

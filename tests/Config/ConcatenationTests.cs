using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Value concatenation of simple values (kept whitespace), arrays (joined) and objects (merged).</summary>
public class ConcatenationTests
{
    [Theory]
    [InlineData("a = foo bar baz", """{"a":"foo bar baz"}""")]
    [InlineData("a =   foo bar   ", """{"a":"foo bar"}""")]          // outer whitespace trimmed
    [InlineData("a = foo   bar", """{"a":"foo   bar"}""")]           // inner whitespace kept
    [InlineData("a = \"foo\"bar", """{"a":"foobar"}""")]
    [InlineData("a = foo\" bar \"baz", """{"a":"foo bar baz"}""")]
    [InlineData("a = 1 2 3", """{"a":"1 2 3"}""")]
    [InlineData("a = true false null", """{"a":"true false null"}""")]
    [InlineData("a = 1.50 kB", """{"a":"1.50 kB"}""")]               // numbers as written
    [InlineData("a = 10 seconds", """{"a":"10 seconds"}""")]
    [InlineData("a = [1, 2] [3, 4]", """{"a":[1,2,3,4]}""")]
    [InlineData("a = [1][2]", """{"a":[1,2]}""")]
    [InlineData("a = [] [1]", """{"a":[1]}""")]
    [InlineData("a = {x : 1} {y : 2}", """{"a":{"x":1,"y":2}}""")]
    [InlineData("a = {x : {p : 1}} {x : {q : 2}}", """{"a":{"x":{"p":1,"q":2}}}""")]
    [InlineData("a = {x : 1} {x : 2}", """{"a":{"x":2}}""")]
    [InlineData("a = [foo bar, baz]", """{"a":["foo bar","baz"]}""")]
    [InlineData("a = [[1] [2]]", """{"a":[[1,2]]}""")]
    public void ValidConcatenations(string hocon, string json) => Same(json, hocon);

    [Theory]
    [InlineData("a = x ${b}\nb = y", """{"a":"x y","b":"y"}""")]
    [InlineData("a = ${b}${c}\nb = 1\nc = 2", """{"a":"12","b":1,"c":2}""")]
    [InlineData("a = ${b} [3]\nb = [1, 2]", """{"a":[1,2,3],"b":[1,2]}""")]
    [InlineData("a = ${b} {y : 2}\nb {x : 1}", """{"a":{"x":1,"y":2},"b":{"x":1}}""")]
    [InlineData("a = \"<\"${b}\">\"\nb = null", """{"a":"<>","b":null}""")]  // substituted null joins as ""
    [InlineData("a = ${b} is ${c}\nb = true\nc = 1.0", """{"a":"true is 1.0","b":true,"c":1.0}""")]
    public void ConcatenationsWithSubstitutions(string hocon, string json) => Same(json, hocon);

    [Theory]
    [InlineData("a = [1] x", 1, 9)]
    [InlineData("a = x [1]", 1, 7)]
    [InlineData("a = {b : 1} [1]", 1, 13)]
    [InlineData("a = [1] {b : 1}", 1, 9)]
    [InlineData("a = 1 {b : 1}", 1, 7)]
    public void MixedKindsAreAnError(string hocon, int line, int column) => FailsAt(hocon, line, column);

    [Fact]
    public void MixedKindsThroughASubstitutionAreAnError()
    {
        var e = Fails("a = ${b} x\nb = [1]");
        Assert.Contains("t.conf:1:10", e.Message);
        Assert.Contains("expected values of one kind", e.Message);
    }

    [Fact]
    public void ConcatenationNeverSpansANewline() =>
        Same("""{"a":"x","y":"z"}""", "a = x\ny = z");
}

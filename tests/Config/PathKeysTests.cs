using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;
using HoconPath = StressVm.Config.Hocon.HoconPath;

/// <summary>Spec: Path expressions and paths as keys.</summary>
public class PathKeysTests
{
    [Theory]
    [InlineData("foo.bar : 42", """{"foo":{"bar":42}}""")]
    [InlineData("foo.bar.baz : 42", """{"foo":{"bar":{"baz":42}}}""")]
    [InlineData("a.x : 42, a.y : 43", """{"a":{"x":42,"y":43}}""")]
    [InlineData("a b c : 42", """{"a b c":42}""")]
    [InlineData("true : 42", """{"true":42}""")]
    [InlineData("3.14 : 42", """{"3":{"14":42}}""")]                 // '.' in a number separates
    [InlineData("10.0foo : 1", """{"10":{"0foo":1}}""")]
    [InlineData("foo10.0 : 1", """{"foo10":{"0":1}}""")]
    [InlineData("foo\"10.0\" : 1", """{"foo10.0":1}""")]
    [InlineData("foo.bar.\"hello.world\" : 1", """{"foo":{"bar":{"hello.world":1}}}""")]
    [InlineData("a.\"\".b : 1", """{"a":{"":{"b":1}}}""")]
    [InlineData("foo include : 42", """{"foo include":42}""")]
    [InlineData("\"include\" : 42", """{"include":42}""")]
    [InlineData("a.b { c : 1 }", """{"a":{"b":{"c":1}}}""")]
    [InlineData("a.b.c = 1\na { b { d = 2 } }", """{"a":{"b":{"c":1,"d":2}}}""")]
    [InlineData("null.1 = x", """{"null":{"1":"x"}}""")]
    public void KeysArePaths(string hocon, string json) => Same(json, hocon);

    [Theory]
    [InlineData("a..b : 1", 1, 1)]
    [InlineData(".a : 1", 1, 1)]
    [InlineData("a. : 1", 1, 1)]
    [InlineData("a = ${b..c}", 1, 7)]
    [InlineData("${a} = 1", 1, 1)]          // substitutions are not allowed in keys
    [InlineData("a ${b} = 1", 1, 3)]
    [InlineData("a = ${}", 1, 5)]
    [InlineData("a = ${b", 1, 8)]
    [InlineData("a = ${b\n}", 1, 8)]
    public void BadPathsArePositioned(string hocon, int line, int column) => FailsAt(hocon, line, column);

    [Fact]
    public void SubstitutionPathsUseTheSameSyntax() =>
        Same("""{"a":{"b.c":{"d":1}},"x":1,"y":1}""", "a { \"b.c\".d = 1 }\nx = ${a.\"b.c\".d}\ny = ${ a.\"b.c\".d }");

    [Fact]
    public void ApiPathsParseLikeKeys()
    {
        Assert.Equal(new[] { "a", "b.c", "d" }, HoconPath.Parse("a.\"b.c\".d"));
        Assert.Equal("a.\"b.c\".d", HoconPath.Render(new[] { "a", "b.c", "d" }));
        var c = Config.Parse("a { \"b.c\" { d = 5 } }");
        Assert.Equal(5, c.GetInt("a.\"b.c\".d"));
        Assert.False(c.HasPath("a.b.c.d"));
        Assert.Throws<StressVm.Config.ConfigException>(() => c.GetInt("a..d"));
    }
}

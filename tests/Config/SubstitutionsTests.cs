using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: Substitutions: absolute paths, resolved after merging, optional ${?x}, environment fallback, cycles.</summary>
public class SubstitutionsTests
{
    private static readonly Func<string, string?> Env = name => name switch
    {
        "HOME" => "/home/me",
        "EMPTY" => "",
        "PORT" => "4317",
        _ => null,
    };

    [Theory]
    [InlineData("a = 1\nb = ${a}", """{"a":1,"b":1}""")]
    [InlineData("b = ${a}\na = 1", """{"b":1,"a":1}""")]                      // looks forward
    [InlineData("a { x = true }\nb = ${a}", """{"a":{"x":true},"b":{"x":true}}""")]
    [InlineData("a = [1, 2]\nb = ${a}", """{"a":[1,2],"b":[1,2]}""")]
    [InlineData("a = null\nb = ${a}", """{"a":null,"b":null}""")]
    [InlineData("a = 1\nb = ${a}\na = 2", """{"a":2,"b":2}""")]                // latest assignment wins
    [InlineData("a = ${b}\nb = ${c}\nc = end", """{"a":"end","b":"end","c":"end"}""")]
    [InlineData("a { b { c = 1 } }\nx = ${a.b.c}", """{"a":{"b":{"c":1}},"x":1}""")]
    [InlineData("a = [${b}, ${c}]\nb = 1\nc = 2", """{"a":[1,2],"b":1,"c":2}""")]
    public void ResolvedAfterParsing(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void ObjectsMayReferToThemselvesInside() =>
        Same("""{"bar":{"foo":43,"baz":43}}""", "bar : { foo : 42,\n baz : ${bar.foo}\n}\nbar : { foo : 43 }");

    [Fact]
    public void SubstitutionsAreNotParsedInQuotes() =>
        Same("""{"a":"${b}"}""", "a = \"${b}\"");

    [Theory]
    [InlineData("a = ${?nope}", "{}")]                                          // field not created
    [InlineData("a = 1\na = ${?nope}", """{"a":1}""")]                          // earlier value stays
    [InlineData("a = [1, ${?nope}, 2]", """{"a":[1,2]}""")]                     // array element dropped
    [InlineData("a = x${?nope}y", """{"a":"xy"}""")]
    [InlineData("a = ${?b}\nb = 5", """{"a":5,"b":5}""")]
    [InlineData("a { x = ${?nope} }", """{"a":{}}""")]
    public void OptionalSubstitutions(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void EnvironmentIsAFallback()
    {
        Same("""{"h":"/home/me","p":"4317"}""", "h = ${HOME}\np = ${PORT}", Env);
    }

    [Fact]
    public void EnvironmentValuesAreStringsThatConvert()
    {
        var c = Config.Parse("p = ${PORT}", "t.conf", Env);
        Assert.Equal("4317", c.GetString("p"));
        Assert.Equal(4317, c.GetInt("p"));
    }

    [Fact]
    public void TreeWinsOverEnvironmentAndNullBlocksIt()
    {
        Same("""{"HOME":"tree","h":"tree"}""", "HOME = tree\nh = ${HOME}", Env);
        Same("""{"HOME":null,"h":null}""", "HOME = null\nh = ${HOME}", Env);
    }

    [Fact]
    public void EmptyEnvironmentVariableCountsAsUnset()
    {
        Same("""{"a":1}""", "a = 1\na = ${?EMPTY}", Env);
        Fails("a = ${EMPTY}", Env);
    }

    [Fact]
    public void OptionalEnvironmentOverride()
    {
        Same("""{"port":"4317"}""", "port = 9\nport = ${?PORT}", Env);
        Same("""{"port":9}""", "port = 9\nport = ${?NOT_SET}", Env);
    }

    [Fact]
    public void MissingRequiredSubstitutionIsAnError()
    {
        var e = FailsAt("a = 1\nb = x ${nope.deeper}", 2, 7);
        Assert.Contains("${nope.deeper}", e.Message);
    }

    [Fact]
    public void NoEnvironmentFallbackWithoutALookup() => FailsAt("h = ${HOME}", 1, 5);

    [Theory]
    [InlineData("a = ${b}\nb = ${a}")]
    [InlineData("a = ${b}\nb = ${c}\nc = ${a}")]
    [InlineData("a { b = ${a} }")]                  // an object holding a substitution to itself: unbreakable
    [InlineData("a = [${a}]")]
    [InlineData("a = ${a.b}\n")]
    public void CyclesAreReported(string hocon)
    {
        var e = Fails(hocon);
        Assert.StartsWith("t.conf:", e.Message);
        Assert.True(e.Line > 0);
        Assert.True(e.Message.Contains("cycle") || e.Message.Contains("no value"), e.Message);
    }

    [Fact]
    public void CycleMessageNamesTheChain()
    {
        var e = Fails("a = ${b}\nb = ${a}");
        Assert.Contains("cycle", e.Message);
        Assert.Contains("${b}", e.Message);
        Assert.Contains("${a}", e.Message);
    }

    [Fact]
    public void SubstitutionThroughANonObjectIsMissing() => FailsAt("a = 1\nb = ${a.x}", 2, 5);

    [Fact]
    public void LongChainsResolveAndOverlongChainsAreRefusedCleanly()
    {
        string Chain(int n) => string.Join("\n", Enumerable.Range(0, n).Select(i => $"k{i} = ${{k{i + 1}}}")) + $"\nk{n} = end";
        Assert.Equal("end", Config.Parse(Chain(100)).GetString("k0"));
        var e = Fails(Chain(5000));
        Assert.Contains("chain of more than", e.Message);
    }
}

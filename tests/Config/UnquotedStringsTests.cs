using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: Unquoted strings, their forbidden characters, and true/false/null/number prefixes.</summary>
public class UnquotedStringsTests
{
    [Theory]
    [InlineData("a = hello", """{"a":"hello"}""")]
    [InlineData("a = true", """{"a":true}""")]
    [InlineData("a = false", """{"a":false}""")]
    [InlineData("a = null", """{"a":null}""")]
    [InlineData("a = 42", """{"a":42}""")]
    [InlineData("a = -1.5", """{"a":-1.5}""")]
    [InlineData("a = truefoo", """{"a":"truefoo"}""")]      // true then foo, concatenated
    [InlineData("a = footrue", """{"a":"footrue"}""")]
    [InlineData("a = 10.0bar", """{"a":"10.0bar"}""")]      // number then string; number kept as written
    [InlineData("a = bar10.0", """{"a":"bar10.0"}""")]
    [InlineData("a = 10.0.0.1", """{"a":"10.0.0.1"}""")]    // not a number: a string
    [InlineData("a = 1e5x", """{"a":"1e5x"}""")]
    [InlineData("a = /usr/local/bin", """{"a":"/usr/local/bin"}""")]
    [InlineData("a = x-y_z.w~%()<>;'|", """{"a":"x-y_z.w~%()<>;'|"}""")]
    [InlineData("a = 007", """{"a":7}""")]                      // JSON output normalises non-JSON number text
    [InlineData("a = 1.0", """{"a":1.0}""")]                    // valid JSON number text is kept as written
    [InlineData("a = include", """{"a":"include"}""")]
    [InlineData("a = [include]", """{"a":["include"]}""")]
    public void UnquotedText(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void NumbersKeepTheirType()
    {
        var c = Config.Parse("i = 7\nd = 2.5\ne = 1e3\nneg = -3");
        Assert.Equal(7, c.GetInt("i"));
        Assert.Equal(2.5, c.GetDouble("d"));
        Assert.Equal(1000.0, c.GetDouble("e"));
        Assert.Equal(-3L, c.GetLong("neg"));
        Assert.Equal("1e3", c.GetString("e")); // number as written, when read as a string
    }

    [Theory]
    [InlineData("a = b$c", 1, 6)]
    [InlineData("a = b^c", 1, 6)]
    [InlineData("a = b?c", 1, 6)]
    [InlineData("a = b!c", 1, 6)]
    [InlineData("a = b@c", 1, 6)]
    [InlineData("a = b*c", 1, 6)]
    [InlineData("a = b&c", 1, 6)]
    [InlineData("a = b`c", 1, 6)]
    [InlineData("a = b\\c", 1, 6)]
    [InlineData("a = b+c", 1, 6)]
    [InlineData("a = 1+2", 1, 5)]
    [InlineData("a = b=c", 1, 6)]
    [InlineData("a = b:c", 1, 6)]
    public void ForbiddenCharactersArePositioned(string hocon, int line, int column) => FailsAt(hocon, line, column);
}

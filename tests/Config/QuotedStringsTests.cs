using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: quoted strings are JSON strings (escapes, no raw control characters).</summary>
public class QuotedStringsTests
{
    [Theory]
    [InlineData(@"a = ""x\ty""", "x\ty")]
    [InlineData(@"a = ""\""quoted\""""", "\"quoted\"")]
    [InlineData(@"a = ""back\\slash""", "back\\slash")]
    [InlineData(@"a = ""\/""", "/")]
    [InlineData(@"a = ""\b\f\n\r""", "\b\f\n\r")]
    [InlineData(@"a = ""\u00e9\u0041""", "éA")]
    [InlineData(@"a = """"", "")]
    [InlineData(@"a = ""${not.a.substitution}""", "${not.a.substitution}")]
    [InlineData(@"a = "": = , { } [ ] + # ! @""", ": = , { } [ ] + # ! @")]
    public void EscapesDecode(string hocon, string expected) =>
        Assert.Equal(expected, Config.Parse(hocon).GetString("a"));

    [Fact]
    public void QuotedKeysMayHoldAnything() =>
        Same("""{"a.b":1,"":2,"x y":3}""", "\"a.b\" = 1\n\"\" = 2\n\"x y\" = 3");

    [Fact]
    public void QuotedTrueIsAString() => Same("""{"a":"true","b":"1"}""", "a = \"true\"\nb = \"1\"");

    [Theory]
    [InlineData("a = \"abc", 1, 9)]        // unterminated
    [InlineData("a = \"ab\ncd\"", 1, 8)]  // raw newline
    [InlineData("a = \"x\\qy\"", 1, 7)]   // unknown escape
    [InlineData("a = \"\\u12G4\"", 1, 10)] // bad hex digit
    [InlineData("a = \"x\u0001y\"", 1, 7)] // raw control character
    public void BadQuotedStringsArePositioned(string hocon, int line, int column) => FailsAt(hocon, line, column);
}

using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Whitespace. Unicode separators count as whitespace; only '\n' is a newline.</summary>
public class WhitespaceTests
{
    [Theory]
    [InlineData("a\t=\t1", """{"a":1}""")]
    [InlineData("a\u00A0=\u00A01", """{"a":1}""")]      // non-breaking space
    [InlineData("a\u2007=\u202F1", """{"a":1}""")]      // figure space, narrow nbsp
    [InlineData("a\u2028=\u20291", """{"a":1}""")]      // line and paragraph separators (not newlines)
    [InlineData("a\u000B=\u000C1", """{"a":1}""")]      // vertical tab, form feed
    [InlineData("a\u001C=\u001F1", """{"a":1}""")]      // file .. unit separators
    [InlineData("\uFEFFa = 1", """{"a":1}""")]          // byte order mark
    [InlineData("a = 1\r\nb = 2\r\n", """{"a":1,"b":2}""")]
    public void UnicodeWhitespaceSeparatesTokens(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void WhitespaceBetweenSimpleValuesIsKeptVerbatim() =>
        Same("""{"a":"x \t y"}""", "a = x \t y");

    [Fact]
    public void UnicodeSpaceInsideAConcatenationIsKept() =>
        Same("{\"a\":\"x\u00A0y\"}", "a = x\u00A0y");

    [Fact]
    public void LineSeparatorIsNotANewlineSoFieldsNeedACommaOrNewline() =>
        FailsAt("a = [1]\u2028b = 2", 1, 9);

    [Fact]
    public void NewlineEndsAValueButCarriageReturnDoesNot() =>
        Same("""{"a":"x","b":"y"}""", "a = x\r\nb = y");
}

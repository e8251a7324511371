using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: triple-quoted strings: raw, multi-line, no escapes; extra quotes at the end belong to the string.</summary>
public class TripleQuotedTests
{
    private static string A(string hocon) => Config.Parse(hocon).GetString("a");

    [Fact]
    public void SpansLines() => Assert.Equal("line1\nline2\n", A("a = \"\"\"line1\nline2\n\"\"\""));

    [Fact]
    public void NoEscapes() => Assert.Equal(@"C:\temp\n", A("a = \"\"\"C:\\temp\\n\"\"\""));

    [Fact]
    public void MayContainQuotes() => Assert.Equal("say \"hi\" and \"\"bye\"\"", A("a = \"\"\"say \"hi\" and \"\"bye\"\"\"\"\""));

    [Fact]
    public void ExtraQuotesAtTheEndAreContent()
    {
        Assert.Equal("foo\"", A("a = \"\"\"foo\"\"\"\""));
        Assert.Equal("foo\"\"", A("a = \"\"\"foo\"\"\"\"\""));
    }

    [Fact]
    public void EmptyTripleQuoted() => Assert.Equal("", A("a = \"\"\"\"\"\""));

    [Fact]
    public void ConcatenatesWithOtherValues() =>
        Same("""{"a":"x y\nz w"}""", "a = x \"\"\"y\nz\"\"\" w");

    [Fact]
    public void NextFieldFollowsOnTheLine() =>
        Same("""{"a":"x","b":1}""", "a = \"\"\"x\"\"\", b = 1");

    [Fact]
    public void UnterminatedIsAnErrorAtTheEnd() => FailsAt("a = \"\"\"abc\ndef", 2, 4);
}

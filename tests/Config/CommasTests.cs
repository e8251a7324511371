using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Commas. Newlines may replace commas; one trailing comma is allowed; no leading or doubled commas.</summary>
public class CommasTests
{
    [Theory]
    [InlineData("a = [1,2,3,]", """{"a":[1,2,3]}""")]
    [InlineData("a = [1,2,3]", """{"a":[1,2,3]}""")]
    [InlineData("a = [1\n2\n3]", """{"a":[1,2,3]}""")]
    [InlineData("a = [1,\n2,\n3,\n]", """{"a":[1,2,3]}""")]
    [InlineData("a = [\n1\n,2\n]", """{"a":[1,2]}""")]
    [InlineData("a = []", """{"a":[]}""")]
    [InlineData("{a = 1, b = 2,}", """{"a":1,"b":2}""")]
    [InlineData("a = 1,\nb = 2,", """{"a":1,"b":2}""")]
    [InlineData("a = 1\nb = 2", """{"a":1,"b":2}""")]
    [InlineData("a { x = 1, y = 2 }, b = 3", """{"a":{"x":1,"y":2},"b":3}""")]
    public void ValidCommas(string hocon, string json) => Same(json, hocon);

    [Theory]
    [InlineData("a = [1,2,3,,]", 1, 12)] // two trailing commas
    [InlineData("a = [,1,2,3]", 1, 6)]   // initial comma
    [InlineData("a = [1,,2,3]", 1, 8)]   // two commas in a row
    [InlineData("{a = 1,,}", 1, 8)]
    [InlineData("{,a = 1}", 1, 2)]
    [InlineData("a = 1,,b = 2", 1, 7)]
    [InlineData(",a = 1", 1, 1)]
    [InlineData("a = [1,\n,2]", 2, 1)]
    public void CommaErrorsArePositioned(string hocon, int line, int column) => FailsAt(hocon, line, column);

    [Fact]
    public void FieldsOnOneLineNeedAComma() => FailsAt("{ a = [1] b = 2 }", 1, 11);

    [Fact]
    public void ElementsOnOneLineNeedACommaUnlessTheyConcatenate()
    {
        Same("""{"a":["1 2"]}""", "a = [1 2]"); // simple values concatenate
        FailsAt("a = [[1] :]", 1, 10);
    }
}

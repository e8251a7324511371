using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Omit root braces; Key-value separator ('=' or ':', omitted before '{').</summary>
public class SeparatorsTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""")]
    [InlineData("""{"a":[1,2.5,true,false,null],"o":{"p":{}}}""")]
    [InlineData("""{"s":"\"\\\/\b\f\n\r\t\u0041"}""")]
    public void JsonIsASubset(string json)
    {
        var reparsed = Json(json);
        Assert.Equal(reparsed, Json(reparsed)); // stable
        Assert.StartsWith("{", reparsed);
    }

    [Fact]
    public void JsonDocumentKeepsItsValues() =>
        Same("""{"a":1,"b":[true,null],"c":{"d":"e"},"f":-2.5e3}""", """{"a":1,"b":[true,null],"c":{"d":"e"},"f":-2.5e3}""");

    [Theory]
    [InlineData("a = 1", """{"a":1}""")]
    [InlineData("a : 1", """{"a":1}""")]
    [InlineData("a=1", """{"a":1}""")]
    [InlineData("a:1", """{"a":1}""")]
    [InlineData("a { b = 1 }", """{"a":{"b":1}}""")]
    [InlineData("a{b:1}", """{"a":{"b":1}}""")]
    [InlineData("\"a\" {}", """{"a":{}}""")]
    [InlineData("a =\n  1", """{"a":1}""")]
    [InlineData("a :\n{ b = 1 }", """{"a":{"b":1}}""")]
    public void SeparatorForms(string hocon, string json) => Same(json, hocon);

    /// <summary>
    /// The separator, or the '{' of an object value, may be on a line after the key, with comments and blank lines
    /// between, as Lightbend's parser accepts (it reads the token after a key skipping whitespace and newlines).
    /// </summary>
    [Theory]
    [InlineData("\"concatenated\" # comment\n: \"value\"", """{"concatenated":"value"}""")]
    [InlineData("a.b.c\n: { d = 1 }", """{"a":{"b":{"c":{"d":1}}}}""")]
    [InlineData("a.b.c\n{ d = 1 }", """{"a":{"b":{"c":{"d":1}}}}""")]
    [InlineData("a\n= 1", """{"a":1}""")]
    [InlineData("a\n\n  // why\n  += x", """{"a":["x"]}""")]
    [InlineData("o {\n  k # the key\n  = v\n  l\n  { m = 2 }\n}", """{"o":{"k":"v","l":{"m":2}}}""")]
    [InlineData("a b\n: 1", """{"a b":1}""")]
    public void SeparatorOnTheNextLine(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void ValueAfterANextLineSeparatorKeepsItsPosition()
    {
        // Errors inside such a field still point at the right line and column.
        FailsAt("a.b\n: {\n  c = [1, 2\n}", 4, 1);
        var e = Fails("x # c\n\n   y = 2");
        Assert.Equal((3, 4), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("   \n\n  ", "{}")]
    [InlineData("a = 1\nb = 2", """{"a":1,"b":2}""")]
    [InlineData("{ a = 1 }", """{"a":1}""")]
    [InlineData("\n{ a = 1 }\n", """{"a":1}""")]
    public void RootBracesAreOptional(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void RootArrayParses()
    {
        var root = StressVm.Config.Hocon.HoconParser.Parse("[1, 2]", FileName);
        var array = Assert.IsType<StressVm.Config.Hocon.HoconArray>(root);
        Assert.Equal(2, array.Items.Count);
    }

    [Theory]
    [InlineData("a 1", 1, 4)]              // "a 1" is one key (whitespace in keys); then no separator
    [InlineData("a = 1 }", 1, 7)]          // closing brace without opening
    [InlineData("{ a = 1", 1, 8)]          // unclosed
    [InlineData("{ a = 1 } b = 2", 1, 11)] // content after the root object
    [InlineData("a =", 1, 4)]              // missing value
    [InlineData("a\nb = 1", 2, 1)]         // a key, then on the next line another key instead of a separator
    [InlineData("a\n\n  # c\n  1", 4, 3)]   // a key, then a value with no separator before it
    [InlineData("{ a\n}", 2, 1)]           // a key with nothing after it
    [InlineData("= 1", 1, 1)]              // missing key
    [InlineData("a == 1", 1, 4)]
    public void BadSeparatorsAreReportedWithPosition(string hocon, int line, int column) => FailsAt(hocon, line, column);

    [Fact]
    public void DeepNestingIsRefusedNotACrash()
    {
        Assert.Equal("""{"a":[[[[1]]]]}""", Json("a = [[[[1]]]]"));
        var e = Fails("a = " + new string('[', 100_000));
        Assert.Contains("nested more than", e.Message);
        Assert.Contains("nested more than", Fails(string.Concat(Enumerable.Repeat("a {", 100_000))).Message);
    }
}

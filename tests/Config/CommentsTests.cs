using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Comments. "//" or "#" to the end of the line, outside quoted strings.</summary>
public class CommentsTests
{
    [Theory]
    [InlineData("# a comment\na = 1", """{"a":1}""")]
    [InlineData("// a comment\na = 1", """{"a":1}""")]
    [InlineData("a = 1 # trailing\nb = 2 // trailing", """{"a":1,"b":2}""")]
    [InlineData("a = 1 // c1\n# c2\n// c3\nb = 2", """{"a":1,"b":2}""")]
    [InlineData("a = foo bar # the space before the comment is dropped", """{"a":"foo bar"}""")]
    [InlineData("a = [1, # one\n 2 // two\n]", """{"a":[1,2]}""")]
    [InlineData("{ # comment after brace\n a : 1 }", """{"a":1}""")]
    [InlineData("#only a comment", "{}")]
    public void CommentsAreIgnored(string hocon, string json) => Same(json, hocon);

    [Theory]
    [InlineData("a = \"# not a comment\"", """{"a":"# not a comment"}""")]
    [InlineData("a = \"// not a comment\"", """{"a":"// not a comment"}""")]
    [InlineData("a = \"\"\"x # y // z\"\"\"", """{"a":"x # y // z"}""")]
    public void CommentMarkersInsideQuotesAreText(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void SlashSlashEndsAnUnquotedString() => Same("""{"a":"http"}""", "a = http//example");

    [Fact]
    public void SingleSlashIsPartOfAnUnquotedString() => Same("""{"a":"a/b/c"}""", "a = a/b/c");

    [Fact]
    public void CommentDoesNotHideAClosingBraceOnTheNextLine() =>
        FailsAt("a { b = 1 # }", 1, 14);
}

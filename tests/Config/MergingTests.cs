using Xunit;
using static StressVm.Tests.ConfigTests.HoconAssert;

namespace StressVm.Tests.ConfigTests;

/// <summary>Spec: Duplicate keys and object merging.</summary>
public class MergingTests
{
    [Theory]
    [InlineData("""{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }""", """{"foo":{"a":42,"b":43}}""")]
    [InlineData("""{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }""", """{"foo":{"b":43}}""")]
    [InlineData("a = 1\na = 2", """{"a":2}""")]
    [InlineData("a = {x = 1}\na = 2", """{"a":2}""")]
    [InlineData("a = 1\na = {x = 1}", """{"a":{"x":1}}""")]
    [InlineData("a = [1]\na = [2]", """{"a":[2]}""")]                        // arrays replace, not merge
    [InlineData("a { x { p = 1, q = 2 } }\na { x { q = 3, r = 4 } }", """{"a":{"x":{"p":1,"q":3,"r":4}}}""")]
    [InlineData("a { x = 1 }\na.y = 2\na { z = 3 }", """{"a":{"x":1,"y":2,"z":3}}""")]
    [InlineData("a { x = 1 }\na.x.y = 2", """{"a":{"x":{"y":2}}}""")]
    [InlineData("a = {x = 1}\na = 42\na = {y = 2}", """{"a":{"y":2}}""")]    // a non-object stops the merge
    [InlineData("b = 1\na = 1\nb = 2", """{"b":2,"a":1}""")]                // keys keep their first position
    public void DuplicateKeys(string hocon, string json) => Same(json, hocon);

    [Fact]
    public void MergeOrderOfLayersFollowsTheSpecExample()
    {
        // { a : { x : 1 } } over { a : 42 } over { a : { y : 2 } }: the 42 hides the lower object.
        Same("""{"a":{"x":1}}""", "a : { y : 2 }\na : 42\na : { x : 1 }");
        // { a : { x : 1 } } over { a : { y : 2 } } over { a : 42 }: adjacent objects merge.
        Same("""{"a":{"y":2,"x":1}}""", "a : 42\na : { y : 2 }\na : { x : 1 }");
    }

    [Fact]
    public void LaterSubstitutedObjectMergesWithEarlierObject() =>
        Same("""{"a":{"x":1,"y":2},"b":{"y":2}}""", "a { x = 1 }\na = ${b}\nb { y = 2 }");

    [Fact]
    public void LaterSubstitutedScalarReplacesEarlierObject() =>
        Same("""{"a":2,"b":2}""", "a { x = 1 }\na = ${b}\nb = 2");
}

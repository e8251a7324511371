using StressVm.Config;
using StressVm.Config.Hocon;
using Xunit;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: Includes: syntax, merging, substitution fix-up, missing files, required(...), cycles.</summary>
public sealed class IncludesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-include-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private Config Load(string mainText) => Config.Parse(mainText, Write("main.conf", mainText));

    private string Json(string mainText) => Load(mainText).ToJson(indented: false);

    [Fact]
    public void IncludeMergesAtThePointOfInclusion()
    {
        Write("inc.conf", "a = 1\nb { x = 1 }");
        Assert.Equal("""{"a":2,"b":{"x":1,"y":2}}""", Json("a = 0\ninclude \"inc.conf\"\na = 2\nb { y = 2 }"));
        Assert.Equal("""{"a":1,"b":{"x":1}}""", Json("a = 0\ninclude \"inc.conf\""));
    }

    [Theory]
    [InlineData("include file(\"inc.conf\")")]
    [InlineData("include required(\"inc.conf\")")]
    [InlineData("include required(file(\"inc.conf\"))")]
    [InlineData("include  required( file( \"inc.conf\" ) )")]
    [InlineData("include\n  \"inc.conf\"")]
    public void IncludeForms(string statement)
    {
        Write("inc.conf", "v = 42");
        Assert.Equal(42, Load(statement).GetInt("v"));
    }

    [Fact]
    public void IncludeInsideAnObjectNestsItsKeys()
    {
        Write("inc.conf", "x = 10\ny = ${x}");
        Assert.Equal("""{"a":{"x":10,"y":10}}""", Json("a { include \"inc.conf\" }"));
    }

    [Fact]
    public void IncludedSubstitutionsAreFixedUpToTheIncludingObject()
    {
        // Spec example: ${x} in foo.conf, included under a, becomes ${a.x}, so a later a.x wins.
        Write("foo.conf", "{ x : 10, y : ${x} }");
        Assert.Equal("""{"a":{"x":42,"y":42}}""", Json("{\n a : { include \"foo.conf\" }\n a : { x : 42 }\n}"));
    }

    [Fact]
    public void FixedUpSubstitutionFallsBackToTheWrittenPath()
    {
        Write("inc.conf", "y = ${top}");
        Assert.Equal("""{"top":"t","a":{"y":"t"}}""", Json("top = t\na { include \"inc.conf\" }"));
    }

    [Fact]
    public void RelativeToTheIncludingFile()
    {
        Write("sub/inner.conf", "deep = yes");
        Write("sub/outer.conf", "include \"inner.conf\"\nouter = 1");
        Assert.Equal("""{"deep":"yes","outer":1}""", Json("include \"sub/outer.conf\""));
    }

    [Fact]
    public void MissingPlainIncludeIsIgnored() => Assert.Equal("""{"a":1}""", Json("include \"missing.conf\"\na = 1"));

    [Fact]
    public void MissingRequiredIncludeIsAnError()
    {
        var e = Assert.Throws<ConfigException>(() => Load("a = 1\ninclude required(\"missing.conf\")"));
        Assert.Equal((2, 18), (e.Line, e.Column));
        Assert.Contains("missing.conf", e.Message);
    }

    [Fact]
    public void IncludeWithoutExtensionLoadsConfAndJson()
    {
        Write("both.json", """{ "a": 1, "b": 1 }""");
        Write("both.conf", "b = 2");
        Assert.Equal("""{"a":1,"b":2}""", Json("include \"both\""));
    }

    [Fact]
    public void IncludeCyclesAreReported()
    {
        Write("a.conf", "include \"b.conf\"\nx = 1");
        Write("b.conf", "include \"a.conf\"");
        var e = Assert.Throws<ConfigException>(() => Config.Parse("include \"a.conf\"", Path.Combine(_dir, "main.conf")));
        Assert.Contains("include cycle", e.Message);
        Assert.Contains("b.conf", e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void IncludedArrayRootIsAnError()
    {
        Write("arr.conf", "[1, 2]");
        var e = Assert.Throws<ConfigException>(() => Load("include \"arr.conf\""));
        Assert.Contains("array", e.Message);
    }

    [Fact]
    public void ErrorsInsideAnIncludedFileNameThatFile()
    {
        var inc = Write("bad.conf", "a = 1\nb = [1,,2]");
        var e = Assert.Throws<ConfigException>(() => Load("include \"bad.conf\""));
        Assert.Equal(inc, e.File);
        Assert.Equal((2, 8), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("include foo", 1, 9)]
    [InlineData("include : 1", 1, 9)]
    [InlineData("include 42", 1, 9)]
    [InlineData("include file(\"x\"", 1, 17)]  // newline where ')' belongs
    public void BadIncludeSyntax(string hocon, int line, int column)
    {
        var e = Assert.Throws<ConfigException>(() => Config.Parse(hocon + "\n", "t.conf"));
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void UrlIncludesAreRejectedClearly()
    {
        var e = Assert.Throws<ConfigException>(() => Config.Parse("include url(\"http://x/y.conf\")", "t.conf"));
        Assert.Contains("only files", e.Message);
    }

    [Fact]
    public void ResolverIsInjectable()
    {
        var resolver = new MapResolver(new() { ["virtual.conf"] = "v = 7" });
        var root = HoconParser.ParseObject("include \"virtual.conf\"", "mem.conf", resolver);
        Assert.Equal(7, new Config(Resolver.Resolve(root)).GetInt("v"));
        Assert.Equal("virtual.conf", resolver.Requests.Single().Name);
        Assert.Equal("mem.conf", resolver.Requests.Single().IncludingFile);
    }

    private sealed class MapResolver(Dictionary<string, string> files) : IIncludeResolver
    {
        public List<IncludeRequest> Requests { get; } = new();

        public IReadOnlyList<IncludeSource> Resolve(IncludeRequest request)
        {
            Requests.Add(request);
            return files.TryGetValue(request.Name, out var text) ? new[] { new IncludeSource(request.Name, text) } : Array.Empty<IncludeSource>();
        }
    }
}

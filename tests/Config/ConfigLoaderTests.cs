using StressVm.Config;
using Xunit;

namespace StressVm.Tests.ConfigTests;

/// <summary>Layering: embedded defaults &lt;- user file &lt;- -D overrides &lt;- environment through ${?ENV}; resolved once after merging.</summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private static readonly Func<string, string?> NoEnv = _ => null;
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DefaultsAloneMatchTheDocumentedValues()
    {
        var c = ConfigLoader.Load(null, Array.Empty<string>(), NoEnv);
        Assert.Equal(1000, c.GetInt("stressvm.run.seeds"));
        Assert.Equal(0L, c.GetLong("stressvm.run.first-seed"));
        Assert.Equal("pct", c.GetString("stressvm.run.strategy"));
        Assert.Equal(3, c.GetInt("stressvm.run.pct-depth"));
        Assert.Equal(10000, c.GetInt("stressvm.run.max-steps"));
        Assert.Equal("http://localhost:4317", c.GetString("stressvm.telemetry.endpoint"));
        Assert.Equal("grpc", c.GetString("stressvm.telemetry.protocol"));
        Assert.Equal(TimeSpan.FromHours(8), c.GetDuration("stressvm.soak.duration"));
        Assert.Equal(".stressvm-soak", c.GetString("stressvm.soak.state-directory"));
        Assert.Equal(0, c.GetInt("stressvm.soak.workers"));
        Assert.Equal(TimeSpan.FromSeconds(30), c.GetDuration("stressvm.soak.progress-interval"));
        Assert.Equal(ConfigLoader.DefaultsName, c.GetOrigin("stressvm.run.seeds")!.Value.File);
    }

    [Fact]
    public void UserFileOverridesDefaultsAndOverridesWin()
    {
        var file = Write("user.conf", "stressvm.run { seeds = 50, strategy = random }");
        var c = ConfigLoader.Load(file, new[] { "stressvm.run.seeds=7" }, NoEnv);
        Assert.Equal(7, c.GetInt("stressvm.run.seeds"));
        Assert.Equal("random", c.GetString("stressvm.run.strategy"));
        Assert.Equal(3, c.GetInt("stressvm.run.pct-depth")); // untouched default survives the merge
        Assert.Equal("-D stressvm.run.seeds", c.GetOrigin("stressvm.run.seeds")!.Value.File);
        Assert.Equal(file, c.GetOrigin("stressvm.run.strategy")!.Value.File);
    }

    [Fact]
    public void LaterOverridesWin()
    {
        var c = ConfigLoader.Load(null, new[] { "stressvm.run.seeds=7", "stressvm.run.seeds=9" }, NoEnv);
        Assert.Equal(9, c.GetInt("stressvm.run.seeds"));
    }

    [Fact]
    public void OverrideValuesAreHoconValues()
    {
        var c = ConfigLoader.Load(null, new[]
        {
            "stressvm.telemetry.endpoint=\"http://x:4317\"",
            "stressvm.kernel.bugs.wrprotect-skip-flush=true",
            "extra.list=[a, b]",
            "extra.words=hello world",
            "extra.empty=",
            "extra.obj={ x = 1 }",
            "extra.ref=${stressvm.run.seeds}",
        }, NoEnv);
        Assert.Equal("http://x:4317", c.GetString("stressvm.telemetry.endpoint"));
        Assert.True(c.GetBool("stressvm.kernel.bugs.wrprotect-skip-flush"));
        Assert.Equal(new[] { "a", "b" }, c.GetStringList("extra.list"));
        Assert.Equal("hello world", c.GetString("extra.words"));
        Assert.Equal("", c.GetString("extra.empty"));
        Assert.Equal(1, c.GetInt("extra.obj.x"));
        Assert.Equal(1000, c.GetInt("extra.ref"));
    }

    [Fact]
    public void OverrideOfAnObjectMergesIntoIt()
    {
        var c = ConfigLoader.Load(null, new[] { "stressvm.run={ seeds = 5 }" }, NoEnv);
        Assert.Equal(5, c.GetInt("stressvm.run.seeds"));
        Assert.Equal("pct", c.GetString("stressvm.run.strategy"));
    }

    [Fact]
    public void SubstitutionsResolveAfterTheMerge()
    {
        // The user file refers to a default; the -D override changes that default; the reference follows.
        var file = Write("user.conf", "my.total = ${stressvm.run.seeds}\nmy.label = seeds-${stressvm.run.seeds}");
        var c = ConfigLoader.Load(file, new[] { "stressvm.run.seeds=42" }, NoEnv);
        Assert.Equal(42, c.GetInt("my.total"));
        Assert.Equal("seeds-42", c.GetString("my.label"));
    }

    [Fact]
    public void EnvironmentOverridesDefaultsThroughOptionalSubstitutions()
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://jaeger:4318", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" };
        var c = ConfigLoader.Load(null, Array.Empty<string>(), n => env.GetValueOrDefault(n));
        Assert.Equal("http://jaeger:4318", c.GetString("stressvm.telemetry.endpoint"));
        Assert.Equal("http/protobuf", c.GetString("stressvm.telemetry.protocol"));
    }

    [Fact]
    public void UserFileCanReplaceTheEnvironmentOverride()
    {
        var file = Write("user.conf", "stressvm.telemetry.endpoint = \"http://mine:4317\"");
        var c = ConfigLoader.Load(file, Array.Empty<string>(), v => v == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://env:4317" : null);
        Assert.Equal("http://mine:4317", c.GetString("stressvm.telemetry.endpoint"));
    }

    [Fact]
    public void NoDefaultsGivesJustTheFileWithoutEnvironment()
    {
        var file = Write("plain.conf", "a = 1\nb = ${?HOME}");
        var c = ConfigLoader.Load(file, Array.Empty<string>(), noDefaults: true);
        Assert.Equal("""{"a":1}""", c.ToJson(indented: false));
        Assert.False(c.HasPath("stressvm"));
    }

    [Fact]
    public void MissingUserFileIsAClearError()
    {
        var missing = Path.Combine(_dir, "nope.conf");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(missing, Array.Empty<string>(), NoEnv));
        Assert.Equal($"{missing}: found no such file, expected a readable configuration file", e.Message);
    }

    [Fact]
    public void SyntaxErrorInUserFileNamesFileLineColumn()
    {
        var file = Write("bad.conf", "stressvm.run {\n  seeds = [1,,2]\n}");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, Array.Empty<string>(), NoEnv));
        Assert.StartsWith($"{file}:2:14: found ','", e.Message);
    }

    [Theory]
    [InlineData("stressvm.run.seeds", "-D stressvm.run.seeds:1:19: found no '='")]
    [InlineData("=5", "-D :1:1: found '=' with no path")]
    [InlineData("a..b=5", "-D a..b:1:1: found an empty path element")]
    [InlineData("a=[1,", "-D a:1:6: found end of file")]
    [InlineData("a=1 }", "-D a:1:5: found '}'")]
    public void BadOverridesAreClearErrors(string assignment, string messageStart)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, new[] { assignment }, NoEnv));
        Assert.StartsWith(messageStart, e.Message);
    }
}

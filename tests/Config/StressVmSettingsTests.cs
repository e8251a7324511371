using StressVm.Config;
using StressVm.Config.Hocon;
using Xunit;

namespace StressVm.Tests.ConfigTests;

/// <summary>Typed settings: read once, validated, errors naming the path and where the value was set.</summary>
public class StressVmSettingsTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    private static StressVmSettings Settings(params string[] overrides) =>
        StressVmSettings.From(ConfigLoader.Load(null, overrides, NoEnv));

    private static ConfigException Rejects(params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Settings(overrides));

    [Fact]
    public void EmbeddedDefaultsBind()
    {
        var s = Settings();
        Assert.Equal(new RunSettings(1000, 0UL, ExplorationStrategy.Pct, 3, 10000), s.Run);
        Assert.Equal(new TelemetrySettings(false, "http://localhost:4317", OtlpProtocol.Grpc, 0.01, 1.0, TimeSpan.FromSeconds(2)), s.Telemetry);
        Assert.Equal(new SoakSettings(TimeSpan.FromHours(8), ".stressvm-soak", 0, TimeSpan.FromSeconds(30)), s.Soak);
        Assert.True(s.Soak.EffectiveWorkers >= 1);
        Assert.False(s.Root.GetBool("stressvm.kernel.bugs.munmap-free-before-flush"));
    }

    [Fact]
    public void EmbeddedHoconConfParsesResolvesAndEveryKernelKnobIsFalse()
    {
        var text = ConfigLoader.DefaultsText();
        Assert.Contains("stressvm {", text);
        var root = HoconParser.ParseObject(text, ConfigLoader.DefaultsName);
        var config = new StressVm.Config.Config(Resolver.Resolve(root, NoEnv));
        var bugs = config.GetConfig("stressvm.kernel.bugs");
        var expected = new[]
        {
            "munmap-free-before-flush", "wrprotect-skip-flush", "fault-skip-pte-recheck", "fault-ignore-vma-lock",
            "zap-flush-at-batch-end", "zap-rmap-before-flush", "madvise-flush-own-range-only", "mkwrite-unlock-before-dirty",
        };
        foreach (var knob in expected) Assert.False(bugs.GetBool(knob), knob);
        Assert.Equal(expected.OrderBy(k => k), bugs.Keys.Intersect(expected).OrderBy(k => k));
        Assert.All(bugs.Keys, k => Assert.False(bugs.GetBool(k)));
        Assert.Equal(new[] { "run", "kernel", "telemetry", "soak" }, config.GetConfig("stressvm").Keys.Take(4));
    }

    [Fact]
    public void EveryKeyInHoconConfHasACommentAboveIt()
    {
        var lines = ConfigLoader.DefaultsText().Split('\n').Select(l => l.Trim()).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var isAssignment = line.Length > 0 && !line.StartsWith('#') && (line.Contains(" = ") || line.EndsWith('{')) && line != "stressvm {";
            if (!isAssignment) continue;
            var j = i - 1;
            while (j >= 0 && lines[j].StartsWith(line.Split(' ')[0] + " = ")) j--; // an override line directly below its default
            Assert.True(j >= 0 && lines[j].StartsWith('#'), $"HOCON.conf line {i + 1} ('{line}') has no comment above it");
        }
    }

    [Fact]
    public void OverridesBind()
    {
        var s = Settings("stressvm.run.seeds=7", "stressvm.run.strategy=random", "stressvm.run.first-seed=123456789012",
            "stressvm.telemetry.protocol=\"http/protobuf\"", "stressvm.telemetry.enabled=yes", "stressvm.soak.duration=90m",
            "stressvm.soak.workers=4");
        Assert.Equal(7, s.Run.Seeds);
        Assert.Equal(ExplorationStrategy.Random, s.Run.Strategy);
        Assert.Equal(123456789012UL, s.Run.FirstSeed);
        Assert.Equal(OtlpProtocol.HttpProtobuf, s.Telemetry.Protocol);
        Assert.True(s.Telemetry.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(90), s.Soak.Duration);
        Assert.Equal(4, s.Soak.EffectiveWorkers);
    }

    [Fact]
    public void NegativeSeedsNameThePathAndWhereItWasSet()
    {
        var e = Rejects("stressvm.run.seeds=-3");
        Assert.Equal("path stressvm.run.seeds: expected an integer >= 1, got -3 (set at -D stressvm.run.seeds:1:20)", e.Message);
        Assert.Equal("-D stressvm.run.seeds", e.File);
    }

    [Theory]
    [InlineData("stressvm.run.seeds=0", "path stressvm.run.seeds: expected an integer >= 1, got 0")]
    [InlineData("stressvm.run.seeds=many", "path stressvm.run.seeds: expected an integer, got \"many\"")]
    [InlineData("stressvm.run.seeds=1.5", "path stressvm.run.seeds: expected an integer, got 1.5")]
    [InlineData("stressvm.run.seeds=99999999999", "path stressvm.run.seeds: expected an integer that fits 32 bits")]
    [InlineData("stressvm.run.first-seed=-1", "path stressvm.run.first-seed: expected a non-negative integer, got -1")]
    [InlineData("stressvm.run.strategy=dfs", "path stressvm.run.strategy: expected one of random, pct, got \"dfs\"")]
    [InlineData("stressvm.run.strategy=[pct]", "path stressvm.run.strategy: expected a string, got an array")]
    [InlineData("stressvm.run.pct-depth=0", "path stressvm.run.pct-depth: expected an integer >= 1, got 0")]
    [InlineData("stressvm.run.max-steps=null", "path stressvm.run.max-steps: expected an integer, got null")]
    [InlineData("stressvm.telemetry.protocol=http", "path stressvm.telemetry.protocol: expected one of grpc, http/protobuf, got \"http\"")]
    [InlineData("stressvm.telemetry.endpoint=localhost", "path stressvm.telemetry.endpoint: expected an absolute http:// or https:// URL")]
    [InlineData("stressvm.telemetry.sample-share=1.5", "path stressvm.telemetry.sample-share: expected a share between 0.0 and 1.0, got 1.5")]
    [InlineData("stressvm.telemetry.sample-share-replay=-0.1", "path stressvm.telemetry.sample-share-replay: expected a share between 0.0 and 1.0")]
    [InlineData("stressvm.telemetry.enabled=maybe", "path stressvm.telemetry.enabled: expected a boolean")]
    [InlineData("stressvm.soak.duration=forever", "path stressvm.soak.duration: expected a duration")]
    [InlineData("stressvm.soak.duration=0s", "path stressvm.soak.duration: expected a positive duration")]
    [InlineData("stressvm.soak.workers=-2", "path stressvm.soak.workers: expected a non-negative integer, got -2")]
    [InlineData("stressvm.soak.progress-interval=0", "path stressvm.soak.progress-interval: expected a duration of at least 1s")]
    [InlineData("stressvm.soak={ duration = 1h }", null)]
    public void BadValuesAreRejectedWithThePath(string assignment, string? messageStart)
    {
        if (messageStart is null)
        {
            Assert.Equal(TimeSpan.FromHours(1), Settings(assignment).Soak.Duration); // merging an object is not an error
            return;
        }
        var e = Rejects(assignment);
        Assert.StartsWith(messageStart, e.Message);
        Assert.Contains("(set at -D ", e.Message);
    }

    [Fact]
    public void MissingSectionNamesThePath()
    {
        var config = StressVm.Config.Config.Parse("stressvm.run.seeds = 5");
        var e = Assert.Throws<ConfigException>(() => StressVmSettings.From(config));
        Assert.StartsWith("path stressvm.run.first-seed: expected a value, got nothing", e.Message);
    }

    [Fact]
    public void WrongTypeInAUserFileNamesFileAndLine()
    {
        // The schema check in the loader says it, as the typed settings would.
        var e = Assert.Throws<ConfigException>(() =>
            StressVmSettings.From(ConfigLoader.LoadText("stressvm {\n  run {\n    pct-depth = deep\n  }\n}", "my.conf", environment: NoEnv)));
        Assert.Equal("path stressvm.run.pct-depth: expected an integer, got \"deep\" (set at my.conf:3:17)", e.Message);
        Assert.Equal(("my.conf", 3, 17), (e.File, e.Line, e.Column));
    }

    [Fact]
    public void BadEnvironmentValueNamesTheVariable()
    {
        var config = ConfigLoader.Load(null, Array.Empty<string>(), n => n == "OTEL_EXPORTER_OTLP_PROTOCOL" ? "http" : null);
        var e = Assert.Throws<ConfigException>(() => StressVmSettings.From(config));
        Assert.Equal("path stressvm.telemetry.protocol: expected one of grpc, http/protobuf, got \"http\" " +
                     "(set at environment variable OTEL_EXPORTER_OTLP_PROTOCOL)", e.Message);
    }
}

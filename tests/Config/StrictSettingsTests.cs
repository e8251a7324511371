using StressVm.Config;
using StressVm.Config.Hocon;
using StressVm.Kernel;
using Xunit;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>
/// Strict settings: HOCON.conf is the schema, so an unknown or mistyped key under stressvm in a --config file or a
/// -D override is an error naming where it was set, the key and the nearest known keys; keys outside stressvm are
/// the user's own (substitution helpers) and pass.
/// </summary>
public sealed class StrictSettingsTests : IDisposable
{
    private static readonly Func<string, string?> NoEnv = _ => null;
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-strict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, "user.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private static ConfigException Rejects(string? file, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, overrides, NoEnv));

    [Fact]
    public void MisspeltKnobByOverrideNamesTheKeyAndTheNearestOne()
    {
        var e = Rejects(null, "stressvm.kernel.bugs.wrprotect-skip-flsh=true");
        Assert.Equal("-D: unknown setting stressvm.kernel.bugs.wrprotect-skip-flsh (HOCON.conf defines no such key); " +
                     "did you mean stressvm.kernel.bugs.wrprotect-skip-flush?", e.Message);
    }

    [Fact]
    public void MisspeltKnobInAFileNamesFileLineAndColumn()
    {
        var file = Write("stressvm {\n  run.seeds = 5\n  kernel.bugs {\n    zap-flush-at-batch-edn = true\n  }\n}\n");
        var e = Rejects(file);
        Assert.Equal((file, 4, 30), (e.File, e.Line, e.Column));
        Assert.StartsWith($"{file}:4:30: unknown setting stressvm.kernel.bugs.zap-flush-at-batch-edn", e.Message);
        Assert.EndsWith("did you mean stressvm.kernel.bugs.zap-flush-at-batch-end?", e.Message);
    }

    [Theory]
    [InlineData("stressvm.kernal.bugs.wrprotect-skip-flush=true", "did you mean stressvm.kernel.bugs.wrprotect-skip-flush?")]
    [InlineData("stressvm.run.sedes=3", "did you mean stressvm.run.seeds?")]
    [InlineData("stressvm.soak.worker=2", "did you mean stressvm.soak.workers?")]
    [InlineData("stressvm.kernel.perf.mdoe=legacy", "did you mean stressvm.kernel.perf.mode?")]
    [InlineData("stressvm.run.foo=1", "known keys under stressvm.run: seeds, first-seed, strategy, pct-depth, max-steps, mailbox-order, coverage")]
    [InlineData("stressvm.nothing.at.all=1", "known keys under stressvm: run, kernel, telemetry, soak")]
    public void UnknownKeysGetTheNearestKnownOnes(string assignment, string hint) =>
        Assert.EndsWith(hint, Rejects(null, assignment).Message);

    [Fact]
    public void SeveralProblemsReportTheFirstAndCountTheRest()
    {
        var e = Rejects(null, "stressvm.run.sedes=3", "stressvm.run.max-step=4", "stressvm.run.pct-depht=1");
        Assert.StartsWith("-D: unknown setting stressvm.run.sedes", e.Message);
        Assert.EndsWith("(and 2 more unknown or mistyped settings)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("stressvm.kernel.bugs.wrprotect-skip-flush=7", "path stressvm.kernel.bugs.wrprotect-skip-flush: expected a boolean (true or false), got 7")]
    [InlineData("stressvm.run.seeds=abc", "path stressvm.run.seeds: expected an integer, got \"abc\"")]
    [InlineData("stressvm.run.seeds=1.5", "path stressvm.run.seeds: expected an integer, got 1.5")]
    [InlineData("stressvm.telemetry.sample-share=lots", "path stressvm.telemetry.sample-share: expected a number, got \"lots\"")]
    [InlineData("stressvm.soak.duration=fast", "path stressvm.soak.duration: expected a duration such as 30s")]
    [InlineData("stressvm.kernel.bugs=true", "path stressvm.kernel.bugs: expected an object, got true")]
    [InlineData("stressvm.run.strategy={ a = 1 }", "path stressvm.run.strategy: expected a string, got an object")]
    [InlineData("stressvm.run.seeds=null", "path stressvm.run.seeds: expected an integer, got null")]
    public void WrongTypesNameThePathAndTheExpectedType(string assignment, string message)
    {
        var e = Rejects(null, assignment);
        Assert.StartsWith(message, e.Message);
        Assert.Contains($"(set at -D {assignment[..assignment.IndexOf('=')]}:1:", e.Message);
    }

    [Theory]
    [InlineData("stressvm.kernel.bugs.wrprotect-skip-flush=yes")]  // HOCON booleans: yes/no/on/off as strings
    [InlineData("stressvm.run.seeds=\"12\"")]                      // a quoted number reads as a number
    [InlineData("stressvm.soak.duration=90m")]
    [InlineData("stressvm.soak.progress-interval=5000")]           // a bare number of milliseconds
    [InlineData("stressvm.telemetry.sample-share=1")]              // an integer is a number
    [InlineData("stressvm.kernel.fbdefio.version=v6.14")]
    public void RightTypesPass(string assignment) => ConfigLoader.Load(null, new[] { assignment }, NoEnv);

    [Fact]
    public void KeysOutsideStressvmAreTheUsersOwn()
    {
        var file = Write("depth = 5\nstressvm.run.pct-depth = ${depth}\nmy.helpers { anything = goes }\n");
        Assert.Equal(5, ConfigLoader.Load(file, Array.Empty<string>(), NoEnv).GetInt("stressvm.run.pct-depth"));
    }

    [Fact]
    public void SubstitutedValuesAreTypeChecked()
    {
        var file = Write("n = many\nstressvm.run.seeds = ${n}\n");
        var e = Rejects(file);
        Assert.Equal($"path stressvm.run.seeds: expected an integer, got \"many\" (set at {file}:1:5)", e.Message); // where it was written
    }

    [Fact]
    public void EnvironmentValuesAreTypeChecked()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, Array.Empty<string>(),
            v => v == "STRESSVM_TELEMETRY_ENABLED" ? "maybe" : null));
        Assert.StartsWith("path stressvm.telemetry.enabled: expected a boolean", e.Message);
        Assert.EndsWith("(set at environment variable STRESSVM_TELEMETRY_ENABLED)", e.Message);
    }

    [Fact]
    public void NoDefaultsMeansNoSchema() =>
        Assert.Equal(1, ConfigLoader.LoadText("stressvm.whatever = 1", "t.conf", noDefaults: true).GetInt("stressvm.whatever"));

    [Fact]
    public void ADeclaredOpenMapTakesAnyKey()
    {
        var defaults = Config.Parse("stressvm { labels { }, fixed { a = 1 } }", "d.conf").Root;
        var schema = new ConfigSchema(defaults, new[] { "stressvm.labels" });
        schema.Check(Config.Parse("stressvm { labels { team = mm, owner = x }, fixed { a = 2 } }", "u.conf").Root);
        var e = Assert.Throws<ConfigException>(() => schema.Check(Config.Parse("stressvm.fixed.b = 2", "u.conf").Root));
        Assert.Contains("unknown setting stressvm.fixed.b", e.Message);
    }

    [Fact]
    public void TheSchemaKnowsEveryKnobAndKernelSettingTheModelReads()
    {
        var known = ConfigSchema.Default.KnownPaths;
        foreach (var knob in KernelKnobs.Names) Assert.Contains($"{KernelKnobs.BugsPath}.{knob}", known);
        foreach (var setting in KernelKnobs.SettingNames) Assert.Contains($"{KernelKnobs.SettingsPath}.{setting}", known);
    }

    [Theory]
    [InlineData("wrprotect-skip-flsh", "wrprotect-skip-flush")]
    [InlineData("zap-rmap-before-flsuh", "zap-rmap-before-flush")]
    public void NearestKeysByEditDistance(string typo, string nearest) =>
        Assert.Equal(new[] { nearest }, NearestKeys.Of(typo, KernelKnobs.Names));

    [Fact]
    public void NothingNearIsNoSuggestion()
    {
        Assert.Empty(NearestKeys.Of("xyz", KernelKnobs.Names));
        Assert.Equal(3, NearestKeys.Distance("kitten", "sitting"));
        Assert.Equal(0, NearestKeys.Distance("", ""));
    }
}

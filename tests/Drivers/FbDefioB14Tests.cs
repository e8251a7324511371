using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>
/// kernel-model.md B14's open question: the v7.0 worker calls mapping_wrprotect_range without the page
/// lock. The model finds the lost damage quickly; the v6.14 worker (page lock) closes it (see FINDINGS.md).
/// </summary>
public class FbDefioB14Tests
{
    [Theory]
    [InlineData("random", 3)]
    [InlineData("pct", 1)]
    [InlineData("pct", 2)]
    [InlineData("pct", 3)]
    public void V70LosesDamageWithin200Schedules(string strategy, int depth)
    {
        var (n, r) = DriverScenarios.FirstViolation("fbdefio-v7.0", DriverScenarios.Settings(strategy, depth), 200, "lost-write");
        Assert.True(r is not null, $"no lost-write in 200 {strategy} schedules");
        Assert.Contains("not on the pageref list", r!.Violation!.Detail);
        Assert.InRange(n, 1, 200);
    }

    [Fact]
    public void TheSameScenarioAtV614IsClean()
    {
        var s = DriverScenarios.Settings("random") with { SettingOverrides = new Dictionary<string, string> { ["fbdefio.version"] = "v6.14" } };
        var (findings, _, first) = DriverScenarios.Explore("fbdefio-v7.0", s, 2000);
        Assert.True(findings.Count == 0, $"{first}");
    }

    [Fact]
    public void VersionsComeFromTheScenarioAndCanBeOverridden()
    {
        var spec = ScenarioCatalog.LoadBuiltin("fbdefio-v7.0");
        Assert.Equal(FbdefioVersion.V7_0, spec.Knobs().FbdefioVersion);
        Assert.Equal(FbdefioVersion.V6_14, spec.Knobs(null, null, new Dictionary<string, string> { ["fbdefio.version"] = "v6.14" }).FbdefioVersion);
        Assert.Equal(PerfMode.Legacy, ScenarioCatalog.LoadBuiltin("perf-legacy").Knobs().PerfMode);
    }

    [Theory]
    [InlineData("kernel { fbdefio.version = v8 }\nvmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [] } ]", "fbdefio.version must be v7.0 or v6.14")]
    [InlineData("kernel { perf.nope = 1 }\nvmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [] } ]", "unknown kernel setting 'perf.nope'")]
    public void BadSettingsAreScenarioErrors(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "bad.conf"));
        Assert.Contains(message, e.Message);
        Assert.Equal(1, e.Line);
    }
}

using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>The correct driver versions raise nothing over 2,000 schedules (100,000 are measured apart).</summary>
public class DriverCleanTests
{
    private const int Schedules = 2000;

    public static TheoryData<string> Clean()
    {
        var d = new TheoryData<string>();
        foreach (var s in DriverScenarios.Clean) d.Add(s);
        return d;
    }

    [Theory]
    [MemberData(nameof(Clean))]
    public void CleanUnderRandom(string scenario)
    {
        var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings("random"), Schedules);
        Assert.True(findings.Count == 0, $"{scenario}: {first}");
    }

    [Theory]
    [MemberData(nameof(Clean))]
    public void CleanUnderPct(string scenario)
    {
        var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings("pct", 3), Schedules);
        Assert.True(findings.Count == 0, $"{scenario}: {first}");
    }

    /// <summary>The knob scenarios with their knob off are the correct code in the same race.</summary>
    [Theory]
    [InlineData("fbdefio-mkwrite-unlocked", "fbdefio-mkwrite-unlocked")]
    [InlineData("fbdefio-fault-resets-list", "fbdefio-fault-resets-list")]
    [InlineData("perf-allow-split", "perf-allow-split")]
    [InlineData("perf-mkwrite-any-page", "perf-mkwrite-any-page")]
    [InlineData("perf-legacy-no-mapping", "perf-legacy-no-mapping")]
    [InlineData("dax-insert-strict-pfn", "dax-insert-strict-pfn")]
    [InlineData("dax-wrprotect-first-index-only", "dax-wrprotect-first-index-only")]
    public void KnobScenarioWithTheKnobOffIsCleanUnderRandom(string scenario, string knob)
    {
        var off = new Dictionary<string, bool> { [knob] = false };
        var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings("random", knobs: off), Schedules);
        Assert.True(findings.Count == 0, $"{scenario} without {knob}: {first}");
    }

    /// <summary>The B15 scenario is fb_defio v6.14 with the knob: without it, nothing (fixed offset, and the v7.0 lookup check).</summary>
    [Fact]
    public void TheB15ScenarioIsCleanWithTheFixedOffset()
    {
        var off = new Dictionary<string, bool> { ["fbdefio-offset-from-address"] = false };
        var (findings, _, first) = DriverScenarios.Explore("fbdefio-offset-from-address", DriverScenarios.Settings("random", knobs: off), Schedules);
        Assert.True(findings.Count == 0, $"{first}");
    }

    [Theory]
    [InlineData("fbdefio-v7.0")]
    [InlineData("dax-zero-page")]
    [InlineData("perf-pfnmap")]
    public void SameSeedSameFingerprint(string scenario)
    {
        var spec = ScenarioCatalog.LoadBuiltin(scenario);
        var s = DriverScenarios.Settings("random");
        var a = ScenarioRunner.BuildModel(spec, s);
        var b = ScenarioRunner.BuildModel(spec, s);
        for (ulong seed = 0; seed < 50; seed++)
        {
            var ra = Explorer.RunOne(a, new RandomStrategy(), seed);
            var rb = Explorer.RunOne(b, new RandomStrategy(), seed);
            Assert.Equal(ra.Fingerprint, rb.Fingerprint);
            Assert.Equal(ra.Outcome, rb.Outcome);
        }
    }
}

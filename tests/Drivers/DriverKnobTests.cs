using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>Each driver knob is caught, as its named invariant, within a stated number of schedules from seed 0.</summary>
public class DriverKnobTests
{
    /// <summary>The bound: the measured worst case over 20 seed ranges is 38 (random) and 34 (PCT d3).</summary>
    private const int Bound = 200;

    public static TheoryData<string, string, string> Knobs()
    {
        var d = new TheoryData<string, string, string>();
        foreach (var (knob, scenario, invariant) in DriverScenarios.Knobs) d.Add(knob, scenario, invariant);
        return d;
    }

    [Theory]
    [MemberData(nameof(Knobs))]
    public void CaughtUnderRandom(string knob, string scenario, string invariant)
    {
        var (n, r) = DriverScenarios.FirstViolation(scenario, DriverScenarios.Settings("random"), Bound, invariant);
        Assert.True(r is not null, $"{knob}: no {invariant} in {Bound} random schedules of {scenario}");
        Assert.InRange(n, 1, Bound);
    }

    [Theory]
    [MemberData(nameof(Knobs))]
    public void CaughtUnderPct(string knob, string scenario, string invariant)
    {
        var (n, r) = DriverScenarios.FirstViolation(scenario, DriverScenarios.Settings("pct", 3), Bound, invariant);
        Assert.True(r is not null, $"{knob}: no {invariant} in {Bound} PCT schedules of {scenario}");
        Assert.InRange(n, 1, Bound);
    }

    [Theory]
    [MemberData(nameof(Knobs))]
    public void ScenarioPinsItsKnobAndExpectsItsInvariant(string knob, string scenario, string invariant)
    {
        var spec = StressVm.Scenarios.ScenarioCatalog.LoadBuiltin(scenario);
        Assert.True(spec.Pins[knob]);
        Assert.Equal(invariant, spec.Expect);
    }

    [Fact]
    public void TheB15WrongLockIsReportedAtTheMkwriteThatTookIt()
    {
        var (_, r) = DriverScenarios.FirstViolation("fbdefio-offset-from-address", DriverScenarios.Settings("random"), Bound, "kernel-warn");
        Assert.Contains("VM_BUG_ON_FOLIO", r!.Violation!.Detail);
    }

    [Fact]
    public void WithoutDebugVmTheB15WrongLockHangsTheWorker()
    {
        var (_, r) = DriverScenarios.FirstViolation("fbdefio-offset-hang", DriverScenarios.Settings("random"), Bound, "deadlock");
        var w = Assert.Single(r!.Deadlock!.Waiters);
        Assert.Equal("page_lock", w.WaitsFor);
        Assert.StartsWith("cpu", w.HeldBy);
        // The same knob with CONFIG_DEBUG_VM on stops at the broken contract instead, in every schedule.
        var debug = new Dictionary<string, bool>();
        var (findings, _, _) = DriverScenarios.Explore("fbdefio-offset-from-address", DriverScenarios.Settings("random", knobs: debug), 200);
        Assert.False(findings.ContainsKey("deadlock"));
    }

    [Fact]
    public void TheB20SplitTakesAnAuxMmapCountOnZero()
    {
        var (_, r) = DriverScenarios.FirstViolation("perf-allow-split", DriverScenarios.Settings("random"), Bound, "kernel-warn");
        Assert.Contains("refcount_inc(&rb->aux_mmap_count) on 0", r!.Violation!.Detail);
    }
}

using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>
/// Every bug knob is caught by its scenario within a stated number of schedules (random walk, seeds
/// from 0), and the same scenario with the knob off raises nothing over 2,000 schedules.
/// </summary>
public class KnobScenarioTests
{
    /// <summary>The core (non-driver) rows of the catalogue; tests/Drivers covers perf-, fbdefio- and dax- knobs.</summary>
    public static TheoryData<string, string, string, int> Knobs()
    {
        var d = new TheoryData<string, string, string, int>();
        foreach (var (knob, scenario, invariant) in StressVm.Tests.Kernel.KnobTableTests.Catalogue())
            if (!StressVm.Tests.Drivers.DriverScenarios.IsDriverKnob(knob)) d.Add(knob, scenario, invariant, Bound);
        return d;
    }

    /// <summary>Random schedules from seed 0 within which each knob's scenario must find it (measured worst: under 1,000).</summary>
    private const int Bound = 1000;

    private static RunSettings With(string knob, bool on) =>
        new() { KnobOverrides = new Dictionary<string, bool> { [knob] = on } };

    [Theory]
    [MemberData(nameof(Knobs))]
    public void KnobOnIsCaughtWithinBound(string knob, string scenario, string invariant, int bound)
    {
        var spec = ScenarioCatalog.LoadBuiltin(scenario);
        Assert.Equal(invariant, spec.Expect);
        Assert.True(spec.Pins[knob]);
        var model = ScenarioRunner.BuildModel(spec, With(knob, true));
        var strategy = new RandomStrategy();
        for (int i = 0; i < bound; i++)
        {
            var r = Explorer.RunOne(model, strategy, (ulong)i);
            Assert.NotEqual(Outcome.InternalError, r.Outcome);
            if (!r.IsBug) continue;
            Assert.Equal(invariant, ScenarioRunner.FindingName(r));
            return;
        }
        Assert.Fail($"{knob}: {scenario} found no {invariant} in {bound} schedules");
    }

    [Theory]
    [MemberData(nameof(Knobs))]
    public void KnobOffIsClean(string knob, string scenario, string invariant, int bound)
    {
        _ = invariant;
        _ = bound;
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), With(knob, false));
        Assert.Equal(KernelKnobs.Upstream, model.Knobs);
        var sum = Explorer.Explore(model, new RandomStrategy(), 0, 2000);
        Assert.Equal(0, sum.InternalErrors);
        Assert.False(sum.FoundBug, string.Join("; ", sum.Findings.Select(f => f.Example)));
        var pct = Explorer.Explore(model, ScenarioRunner.Strategy(model, new RunSettings { Strategy = new StrategySpec.Pct(3) }), 0, 500);
        Assert.False(pct.FoundBug, string.Join("; ", pct.Findings.Select(f => f.Example)));
    }

    [Theory]
    [InlineData("munmap-free-before-flush", Invariants.UseAfterFree, 1000)]
    [InlineData("wrprotect-skip-flush", Invariants.StaleWritableTlb, 100)]
    public void MixedSwarmFindsKnobWithNothingElsePinned(string knob, string invariant, int bound)
    {
        var spec = ScenarioCatalog.LoadBuiltin("mixed");
        Assert.Empty(spec.Pins);
        var model = ScenarioRunner.BuildModel(spec, With(knob, true));
        var strategy = new RandomStrategy();
        for (int i = 0; i < bound; i++)
        {
            var r = Explorer.RunOne(model, strategy, (ulong)i);
            if (r.IsBug && ScenarioRunner.FindingName(r) == invariant) return;
        }
        Assert.Fail($"mixed found no {invariant} with {knob} in {bound} schedules");
    }

    [Fact]
    public void MixedIsCleanWithUpstreamKnobs()
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"), new RunSettings());
        var sum = Explorer.Explore(model, new RandomStrategy(), 0, 2000);
        Assert.Equal(0, sum.InternalErrors);
        Assert.False(sum.FoundBug, string.Join("; ", sum.Findings.Select(f => f.Example)));
    }
}

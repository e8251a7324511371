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
    public static TheoryData<string, string, string, int> Knobs => new()
    {
        // knob, scenario, invariant, schedules within which it must be found
        { "munmap-free-before-flush", "munmap-vs-stale-tlb", Invariants.UseAfterFree, 100 },
        { "wrprotect-skip-flush", "wrprotect-vs-write", Invariants.StaleWritableTlb, 100 },
        { "fault-skip-pte-recheck", "dontneed-vs-write-fault", Invariants.Refcount, 100 },
        { "fault-ignore-vma-lock", "munmap-vs-fault", Invariants.UseAfterFree, 100 },
        { "fault-ignore-vma-lock", "mprotect-vs-anon-fault", Invariants.WriteToReadonly, 200 },
        { "zap-flush-at-batch-end", "munmap-vs-writeback", Invariants.StaleWritableTlb, 1000 },
        { "zap-rmap-before-flush", "dontneed-vs-writeback", Invariants.StaleWritableTlb, 1000 },
        { "madvise-flush-own-range-only", "parallel-dontneed", Invariants.StaleWritableTlb, 300 },
        { "mkwrite-unlock-before-dirty", "mkwrite-vs-writeback", Invariants.LostWrite, 100 },
    };

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
        var pct = Explorer.Explore(model, ScenarioRunner.Strategy(model, new RunSettings { Strategy = "pct" }), 0, 500);
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

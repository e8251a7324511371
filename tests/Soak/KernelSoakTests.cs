using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>The soak over the real kernel scenarios: one entry per bug, replay commands that carry the user's knobs.</summary>
public class KernelSoakTests
{
    private static (SoakSummary, List<string>) Soak(string dir, IScenarioSource source, params string[] scenarios)
    {
        var warnings = new List<string>();
        var runner = new StressVm.Campaign.CampaignRunner(source, new SoakOptions
        {
            StateDirectory = dir, Scenarios = scenarios, Workers = 2, ChunkSize = 100, MaxSchedules = 1000, Minimize = false,
        }, w => { lock (warnings) warnings.Add(w); });
        return (runner.Run(default), warnings);
    }

    [Fact]
    public void AFinalStateViolationIsOneEntryWhateverTheInterleaving()
    {
        // mkwrite-vs-writeback pins B13: its lost write is found at the end of the run, after unrelated steps.
        string dir = SoakTestKit.NewStateDirectory();
        var (summary, warnings) = Soak(dir, KernelScenarioSource.Create(new RunSettings()), "wrprotect-vs-write", "mkwrite-vs-writeback");
        Assert.Empty(warnings);
        var byScenario = summary.Failures.GroupBy(f => f.Invariant).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, byScenario["stale-writable-tlb"]);
        Assert.InRange(byScenario["lost-write"], 1, 3);
        Assert.True(summary.Failures.Sum(f => f.Count) > 100);
    }

    [Fact]
    public void ACleanScenarioStaysCleanAndReplayCommandsCarryTheUsersKnobs()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var off = new RunSettings { KnobOverrides = new Dictionary<string, bool> { ["wrprotect-skip-flush"] = false } };
        var (clean, _) = Soak(dir, KernelScenarioSource.Create(off), "wrprotect-vs-write");
        Assert.Empty(clean.Failures);
        var source = KernelScenarioSource.Create(off);
        Assert.EndsWith(" -D stressvm.kernel.bugs.wrprotect-skip-flush=false",
            source.Recipe("wrprotect-vs-write", 7, StressVm.Runtime.StrategySpec.Random.Instance).ReplayCommand());
    }

    [Fact]
    public void InterruptsAndRepeatedStepsDoNotSplitOneBug()
    {
        // The race of dontneed-vs-write-fault (fault-skip-pte-recheck), reached with more or fewer lock replies and IPIs:
        // stale-orig-pte at the fault's PTE write (before that oracle: refcount, 3 signatures over 1.6 million schedules;
        // 21 before interrupts and repeats were left out of the window).
        string dir = SoakTestKit.NewStateDirectory();
        var (summary, _) = Soak(dir, KernelScenarioSource.Create(new RunSettings()), "dontneed-vs-write-fault");
        Assert.All(summary.Failures, f => Assert.Equal("stale-orig-pte", f.Invariant));
        Assert.InRange(summary.Failures.Count, 1, 3);
        Assert.True(summary.Failures.Sum(f => f.Count) > 100); // about a quarter of the 1,000 schedules fail
    }
}

using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// Interleavings the model must reach: a waiter overtaking its waker, preemption at a vm_ops hook's return,
/// and a model self-deadlock reported as a deadlock with its wait-for cycle.
/// </summary>
public class InterleavingTests
{
    /// <summary>filemap's page_mkwrite against a writeback walk that takes no page lock (mapping_wrprotect_range).</summary>
    private const string MkwriteVsUnlockedWalk = """
        expect = lost-write
        files = [ { name = f0, pages = 1 } ]
        vmas = [ { name = buf, start = 0x20, shared = true, file = f0, driver = filemap } ]
        cpus = [ { name = cpu0, program = ["load buf", "store buf"] } ]
        background = [ { kind = writeback, file = f0, passes = 2, walk = mapping_wrprotect_range } ]
        """;

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    public void WritebackReachesTheWindowAfterPageMkwriteReturns(string strategy)
    {
        // The return from ->page_mkwrite is a scheduling point: writeback cleans the page and drops the
        // filesystem's state before finish_mkwrite_fault makes the PTE writable (was 0 of 3,000 schedules).
        var spec = ScenarioLoader.Parse(MkwriteVsUnlockedWalk, "unit.conf");
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategyObj = ScenarioRunner.Strategy(model, s);
        for (int i = 0; i < 200; i++)
        {
            var r = Explorer.RunOne(model, strategyObj, (ulong)i);
            if (!r.IsBug) continue;
            Assert.Equal(Invariants.LostWrite, ScenarioRunner.FindingName(r));
            return;
        }
        Assert.Fail("no lost write within 200 schedules");
    }

    [Fact]
    public void WhichWaiterGetsAReleasedSleepingLockIsARecordedChoice()
    {
        // Three CPUs queue on one mmap_lock behind a writer; over many seeds each of them is granted first.
        var spec = ScenarioLoader.Parse("""
            vmas = [ { name = a, start = 0x10, pages = 4 } ]
            cpus = [
              { name = cpu0, program = ["mprotect-ro a"] }
              { name = cpu1, program = ["msync a"] }
              { name = cpu2, program = ["msync a"] }
              { name = cpu3, program = ["msync a"] }
            ]
            """, "unit.conf");
        var model = ScenarioRunner.BuildModel(spec, new RunSettings(), recordTrace: true);
        var firsts = new HashSet<string>();
        for (ulong seed = 0; seed < 300; seed++)
        {
            var r = Explorer.RunOne(model, new RandomStrategy(), seed);
            Assert.Equal(Outcome.Completed, r.Outcome);
            foreach (var st in model.System.Trace.Steps)
                if (st.Kind == EnvelopeKind.Reply && st.Message is LockReply { IsGranted: true } && model.System.NameOf(st.Sender) == "mmap_lock"
                    && model.System.NameOf(st.Actor) != "cpu0")
                {
                    firsts.Add(model.System.NameOf(st.Actor));
                    break;
                }
        }
        Assert.True(firsts.Count >= 2, string.Join(",", firsts));
    }

    [Fact]
    public void ASelfDeadlockIsADeadlockWithItsWaitForCycle()
    {
        var (schedules, first) = FirstDeadlock("fbdefio-offset-self-deadlock", 2000);
        Assert.True(first is not null, $"no deadlock in {schedules} schedules");
        var d = first!.Deadlock!;
        // The cycle is one CPU waiting for the page lock it holds: [cpuN, cpuN].
        Assert.Equal(2, d.Cycle.Count);
        Assert.Equal(d.Cycle[0], d.Cycle[1]);
        Assert.StartsWith("cpu", d.Cycle[0]);
    }

    private static (int, RunResult?) FirstDeadlock(string scenario, int cap)
    {
        var s = new RunSettings();
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), s);
        var strategy = ScenarioRunner.Strategy(model, s);
        for (int i = 0; i < cap; i++)
        {
            var r = Explorer.RunOne(model, strategy, (ulong)i);
            Assert.NotEqual(Outcome.InternalError, r.Outcome);
            if (r.Outcome == Outcome.Deadlock && r.Deadlock!.Cycle.Count == 2 && r.Deadlock.Cycle[0] == r.Deadlock.Cycle[1]) return (i + 1, r);
        }
        return (cap, null);
    }
}

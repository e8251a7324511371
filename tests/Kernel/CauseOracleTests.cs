using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// The oracles that check a kernel invariant at the step the bug breaks it (KernelMonitor), not at a symptom later:
/// each fires on its scenario's bug, and stays silent on the same scenario with the bug off.
/// </summary>
public class CauseOracleTests
{
    private static List<RunResult> Bugs(string scenario, Dictionary<string, bool> knobs, int seeds)
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), new RunSettings { KnobOverrides = knobs }, recordTrace: false);
        var strategy = new RandomStrategy();
        var bugs = new List<RunResult>();
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            var r = Explorer.RunOne(model, strategy, seed);
            if (r.IsBug) bugs.Add(r);
        }
        return bugs;
    }

    [Fact]
    public void ANestedTlbFinishMmuThatFlushesOnlyItsOwnRangeFiresAtTheFinish()
    {
        // parallel-dontneed (madvise-flush-own-range-only): the second DONTNEED returns from tlb_finish_mmu() while the
        // first's flush is pending; 99baac21e458 makes it flush the whole mm.
        var bugs = Bugs("parallel-dontneed", new(), 2000);
        Assert.NotEmpty(bugs);
        Assert.All(bugs, r =>
        {
            Assert.Equal("stale-tlb", r.Violation!.Invariant);
            Assert.Contains("tlb_finish_mmu() returned with another mmu_gather pending on the mm (mm_tlb_flush_nested())", r.Violation.Detail);
        });
        Assert.Empty(Bugs("parallel-dontneed", new() { ["madvise-flush-own-range-only"] = false }, 2000));
    }

    [Fact]
    public void AWritablePteInAVmaWithoutVmWriteFiresWhereItIsInstalled()
    {
        // mprotect-vs-anon-fault (fault-ignore-vma-lock): the fault read VM_WRITE before mprotect cleared it.
        var bugs = Bugs("mprotect-vs-anon-fault", new(), 2000);
        Assert.NotEmpty(bugs);
        Assert.All(bugs, r =>
        {
            Assert.Equal("write-to-readonly", r.Violation!.Invariant);
            Assert.Contains("was made writable in VMA anon, whose vm_flags lack VM_WRITE", r.Violation.Detail);
        });
        Assert.Empty(Bugs("mprotect-vs-anon-fault", new() { ["fault-ignore-vma-lock"] = false }, 2000));
    }

    [Fact]
    public void TheMkwriteLivelockNamesWhereTheFaultWasAsThePageWasCleaned()
    {
        // mkwrite-unlock-before-dirty in mixed-drivers, seed 246301 under random (a 60 s soak's livelock): the fault drops
        // the page lock after ->page_mkwrite, and the fb_defio work its own mkwrite queued cleans the PTE before the
        // store retries, 16 rounds running.
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed-drivers"),
            new RunSettings { KnobOverrides = new Dictionary<string, bool> { ["mkwrite-unlock-before-dirty"] = true } }, recordTrace: true);
        var r = Explorer.RunOne(model, new RandomStrategy(), 246301);
        Assert.Equal("livelock", r.Violation?.Invariant);
        var d = new FailureSignature().Describe(r, model.System.Trace);
        Assert.Equal("livelock: cpu# in fault: store # faulted # times without completing; cpu# was, as the page was last cleaned, in fault", d);
    }
}

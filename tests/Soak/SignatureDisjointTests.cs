using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>
/// Signatures name a bug: in the swarm scenarios, every knob the swarm finds gets signatures no other knob shares, at
/// most 3 each, over the soak's own portfolio of strategies. (A 60-second soak per knob is in README.md, "Soak signatures".)
/// </summary>
public class SignatureDisjointTests
{
    /// <summary>Each knob's signature descriptions over <paramref name="seeds"/> seeds of <paramref name="scenario"/>, as the soak draws strategies.</summary>
    private static Dictionary<string, HashSet<string>> Signatures(string scenario, string[] knobs, int seeds)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var knob in knobs)
        {
            var settings = new RunSettings { KnobOverrides = new Dictionary<string, bool> { [knob] = true } };
            var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), settings, recordTrace: true);
            int k = Explorer.EstimateSteps(model);
            var portfolio = StrategyPortfolio.Default;
            var strategies = portfolio.Entries.Select(e => e.Resolve(() => k).Create()).ToArray();
            var signature = new FailureSignature();
            var found = result[knob] = new HashSet<string>(StringComparer.Ordinal);
            for (ulong seed = 1; seed <= (ulong)seeds; seed++)
            {
                var r = Explorer.RunOne(model, strategies[portfolio.IndexFor(seed)], seed);
                if (r.IsBug) found.Add(signature.Describe(r, model.System.Trace));
            }
        }
        return result;
    }

    private const int Seeds = 10_000;

    /// <summary>Every knob the swarm finds in 10,000 seeds of the scenario (the others find nothing there: README, "Soak signatures").</summary>
    public static TheoryData<string, string[]> SwarmKnobs => new()
    {
        { "mixed", ["wrprotect-skip-flush", "zap-flush-at-batch-end", "zap-rmap-before-flush", "madvise-flush-own-range-only",
            "mkwrite-unlock-before-dirty", "fault-ignore-vma-lock", "fault-skip-pte-recheck", "munmap-free-before-flush"] },
        { "mixed-drivers", ["wrprotect-skip-flush", "perf-mkwrite-any-page", "fbdefio-mkwrite-unlocked", "madvise-flush-own-range-only",
            "zap-flush-at-batch-end", "zap-rmap-before-flush", "fault-ignore-vma-lock", "mkwrite-unlock-before-dirty",
            "fault-skip-pte-recheck", "munmap-free-before-flush", "fbdefio-fault-resets-list"] },
    };

    [Theory]
    [MemberData(nameof(SwarmKnobs))]
    public void KnobsGetSignaturesNoOtherKnobShares(string scenario, string[] knobs)
    {
        var byKnob = Signatures(scenario, knobs, Seeds);
        foreach (var (knob, sigs) in byKnob)
        {
            Assert.True(sigs.Count >= 1, $"{scenario}: {knob} found nothing in {Seeds:N0} seeds");
            Assert.True(sigs.Count <= 3, $"{scenario}: {knob} has {sigs.Count} signatures: {string.Join(" | ", sigs)}");
            foreach (var (other, theirs) in byKnob)
                if (other != knob) Assert.False(sigs.Overlaps(theirs), $"{scenario}: {knob} and {other} share {string.Join(" | ", sigs.Intersect(theirs))}");
        }
        // The missing pte_same() re-check shows where it is missing, not as the damage it goes on to do.
        if (byKnob.TryGetValue("fault-skip-pte-recheck", out var recheck))
            Assert.All(recheck, d => Assert.StartsWith("stale-orig-pte: ", d));
        // The nested flush tlb_finish_mmu() skips shows at that finish, whichever caller's (madvise, munmap, mprotect, a
        // driver's unmap_mapping_pages) finished second.
        Assert.All(byKnob["madvise-flush-own-range-only"], d => Assert.StartsWith(
            "stale-tlb: cpu# in tlb_finish_mmu: tlb_finish_mmu() returned with another mmu_gather pending", d));
        // A fault without the VMA lock: a VMA munmap detached, or a writable PTE installed after mprotect cleared VM_WRITE.
        Assert.All(byKnob["fault-ignore-vma-lock"], d => Assert.True(
            d.StartsWith("use-after-free: cpu# in fault: the fault path used VMA # after munmap", StringComparison.Ordinal)
            || d.Contains("whose vm_flags lack VM_WRITE", StringComparison.Ordinal), d));
    }

    [Fact]
    public void ALostWriteNamesWhereTheFaultWasWhenThePageWasCleaned()
    {
        // One end-state symptom (the device never got the store) of two bugs, told apart by its history: fb_defio's
        // page_mkwrite returned the page unlocked, so the worker cleaned it while the fault was still in
        // do_page_mkwrite; the core's mkwrite-unlock-before-dirty dropped the lock after do_page_mkwrite returned.
        var byKnob = Signatures("mixed-drivers", ["fbdefio-mkwrite-unlocked", "mkwrite-unlock-before-dirty"], 1500);
        const string fbLost = "lost-write: final state: fb page # (pfn #) holds store #";
        var driver = byKnob["fbdefio-mkwrite-unlocked"];
        Assert.NotEmpty(driver);
        Assert.All(driver, d =>
        {
            Assert.StartsWith(fbLost, d);
            Assert.Contains("; fb_deferred_io_work cleaned the page (folio_mkclean); cpu# was, as it was cleaned, in fault > do_page_mkwrite", d);
        });
        var core = byKnob["mkwrite-unlock-before-dirty"].Where(d => d.StartsWith(fbLost, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(core);
        Assert.All(core, d => Assert.Contains("; cpu# was, as it was cleaned, in fault; cpu# then made the PTE the store went through writable in fault", d));
    }

    [Fact]
    public void AKnobWithoutSpansInTheFailingStepStillNamesTheFunction()
    {
        // wrprotect-skip-flush in mixed: the walker's folio_mkclean, not the lock replies around it.
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"),
            new RunSettings { KnobOverrides = new Dictionary<string, bool> { ["wrprotect-skip-flush"] = true } }, recordTrace: true);
        var strategy = new RandomStrategy();
        for (ulong seed = 1; seed < 500; seed++)
        {
            var r = Explorer.RunOne(model, strategy, seed);
            if (!r.IsBug) continue;
            var d = new FailureSignature().Describe(r, model.System.Trace);
            Assert.StartsWith("stale-writable-tlb: writeback in writeback > folio_mkclean: ", d);
            Assert.DoesNotContain("<-", d); // no message types
            Assert.DoesNotMatch(@"\d", d);  // no numbers
            return;
        }
        Assert.Fail("wrprotect-skip-flush found nothing in 500 random seeds of mixed");
    }
}

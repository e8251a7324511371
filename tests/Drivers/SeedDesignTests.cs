using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>
/// The seeds' design alternatives (issue 12) as driver settings: perf.mode = pfnmap | mixedmap | mixedmap-prot |
/// mixedmap-typed on one program (mmap at run time), fbdefio.backing = pfn. Each broken design raises its invariant
/// within a few schedules; the working ones raise nothing in 2,000 schedules under random and PCT.
/// </summary>
public class SeedDesignTests
{
    private const int Clean = 2000, Cap = 200;

    [Theory]
    [InlineData("perf-mmap-mixedmap", "write-to-readonly")]       // vm_page_prot is not final inside ->mmap
    [InlineData("perf-mmap-mixedmap-prot", "write-to-readonly")]  // folios: do_wp_page reuses, no pfn_mkwrite
    [InlineData("fbdefio-pfn", "lost-write")]                     // no page lock between pfn_mkwrite and the PTE
    public void TheBrokenDesignFires(string scenario, string invariant)
    {
        foreach (var strategy in new[] { "random", "pct" })
        {
            var (n, first) = DriverScenarios.FirstViolation(scenario, DriverScenarios.Settings(strategy), Cap, invariant);
            Assert.True(n <= Cap, $"{scenario} under {strategy}: no {invariant} in {Cap} schedules");
            Assert.Equal(invariant, ScenarioRunner.FindingName(first!));
        }
    }

    [Theory]
    [InlineData("perf-mmap-pfnmap")]
    [InlineData("perf-mmap-mixedmap-typed")]
    [InlineData("mmap-fixed-vs-store")]
    public void TheWorkingDesignIsClean(string scenario)
    {
        foreach (var strategy in new[] { "random", "pct" })
        {
            var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings(strategy), Clean);
            Assert.True(findings.Count == 0, $"{scenario} under {strategy}: {first}");
        }
    }

    [Fact]
    public void MixedmapDataPagesAreFoliosWhosePtesAreWritableFromTheStart()
    {
        var spec = ScenarioCatalog.LoadBuiltin("perf-mmap-mixedmap");
        var model = new KernelModel(spec with { Cpus = [new CpuSpec("cpu0", [CpuOp.Mmap(0x60, 3, 0)]), new CpuSpec("cpu1", [])], Outcomes = null }, spec.Knobs());
        Assert.Equal(StressVm.Runtime.Outcome.Completed, StressVm.Runtime.Explorer.RunOne(model, new StressVm.Runtime.RandomStrategy(), 0).Outcome);
        var vma = model.Mm.FindVma(0x60)!;
        Assert.True((vma.Flags & VmFlags.MixedMap) != 0);
        Assert.False(vma.PageProt.Write); // vma_set_page_prot ran, after the inserts
        var rb = ((PerfMmapOps)vma.Ops!).RingBuffer;
        for (int i = 0; i < 3; i++)
        {
            var pte = model.Mm.GetPte(0x60 + i);
            Assert.True(pte.Present && pte.Write && !pte.Special, $"page {i}: {pte}");
            Assert.Equal(2, rb.PageAt(i).Refcount); // the buffer's + the PTE's (folio_get)
            Assert.Equal(1, rb.PageAt(i).Mapcount); // folio_add_file_rmap_pte
        }
    }

    [Fact]
    public void PfnBackingNeedsV7()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            "kernel { fbdefio.version = \"v6.14\", fbdefio.backing = pfn }\nvmas = [ { name = a, start = 1 } ]\ncpus = [ {} ]", "bad.conf"));
        Assert.Contains("fbdefio.backing = pfn needs fbdefio.version", e.Message);
    }
}

using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>
/// stressvm.kernel.dax.version: every DAX knob is caught and every correct DAX scenario is clean at v7.0 and
/// v6.14; the two versions differ where the kernels differ (Drivers/FINDINGS.md, "DAX at v7.0").
/// </summary>
public class DaxVersionTests
{
    private const int Bound = 200;
    private const int Schedules = 2000;

    private static Dictionary<string, string> At(string version) => new() { ["dax.version"] = version };

    public static TheoryData<string, string, string, string> KnobsAtBothVersions()
    {
        var d = new TheoryData<string, string, string, string>();
        foreach (var (knob, scenario, invariant) in DriverScenarios.Knobs)
            if (knob.StartsWith("dax-", StringComparison.Ordinal))
                foreach (var v in new[] { "v7.0", "v6.14" }) d.Add(knob, scenario, invariant, v);
        return d;
    }

    [Theory]
    [MemberData(nameof(KnobsAtBothVersions))]
    public void EveryDaxKnobIsCaughtAtBothVersions(string knob, string scenario, string invariant, string version)
    {
        foreach (var strategy in new[] { "random", "pct" })
        {
            var (n, r) = DriverScenarios.FirstViolation(scenario, DriverScenarios.Settings(strategy, settings: At(version)), Bound, invariant);
            Assert.True(r is not null, $"{knob} at {version}: no {invariant} in {Bound} {strategy} schedules of {scenario}");
            Assert.InRange(n, 1, Bound);
        }
    }

    [Theory]
    [InlineData("dax-zero-page", "v7.0")]
    [InlineData("dax-zero-page", "v6.14")]
    [InlineData("dax-pmd-fsync", "v7.0")]
    [InlineData("dax-pmd-fsync", "v6.14")]
    [InlineData("dax-fsync-overlap", "v7.0")]
    [InlineData("dax-fsync-overlap", "v6.14")]
    [InlineData("dax-store-vs-write", "v7.0")]
    [InlineData("dax-store-vs-write", "v6.14")]
    [InlineData("dax-dontneed-vs-fsync", "v7.0")]
    [InlineData("mixed-drivers", "v6.14")]
    public void CorrectDaxScenarioIsCleanAtVersion(string scenario, string version)
    {
        foreach (var strategy in new[] { "random", "pct" })
        {
            var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings(strategy, settings: At(version)), Schedules);
            Assert.True(findings.Count == 0, $"{scenario} at {version} ({strategy}): {first}");
        }
    }

    [Fact]
    public void TheDefaultIsV70()
    {
        Assert.Equal(DaxVersion.V7_0, KernelKnobs.Upstream.DaxVersion);
        Assert.Equal(DaxVersion.V6_14, KernelKnobs.Upstream.WithSetting("dax.version", "v6.14").DaxVersion);
    }

    /// <summary>v6.14's special DAX PTE gets no forced flush in zap_present_ptes: fsync returns while a CPU can still write.</summary>
    [Fact]
    public void DontneedOfADirtyDaxPteWhileFsyncRunsIsStaleOnlyAtV614()
    {
        var (n, r) = DriverScenarios.FirstViolation("dax-dontneed-vs-fsync", DriverScenarios.Settings("random", settings: At("v6.14")), 2000, "stale-writable-tlb");
        Assert.True(r is not null, "no stale-writable-tlb at v6.14 in 2,000 schedules");
        Assert.Contains("pfn_mkclean_range", r!.Violation!.Detail);
        Assert.InRange(n, 1, 2000);
    }

    /// <summary>The B16 window without the knob: v7.0 returns VM_FAULT_SIGBUS (insert_page_into_pte_locked's -EFAULT), v6.14 retries.</summary>
    [Fact]
    public void TheB16WindowIsSigbusAtV70AndARetryAtV614()
    {
        var (_, v7, _) = DriverScenarios.Explore("dax-store-vs-write", DriverScenarios.Settings("random", settings: At("v7.0")), Schedules);
        var (_, v6, _) = DriverScenarios.Explore("dax-store-vs-write", DriverScenarios.Settings("random", settings: At("v6.14")), Schedules);
        Assert.True(v7.GetValueOrDefault("dax-insert-sigbus") > 0, "v7.0 gave no SIGBUS in the B16 window");
        Assert.Equal(0, v6.GetValueOrDefault("dax-insert-sigbus"));
    }

    /// <summary>At v7.0 a DAX write fault installs a normal PTE holding a reference and an rmap; at v6.14 a special one.</summary>
    [Theory]
    [InlineData("v7.0", false, 1)]
    [InlineData("v6.14", true, 0)]
    public void TheVersionDecidesThePteKind(string version, bool special, int mapcount)
    {
        var spec = ScenarioLoader.Parse("""
            files = [ { name = d, pages = 1 } ]
            vmas = [ { name = dax, start = 0x80, pages = 1, prot = rw, shared = true, file = d, driver = dax } ]
            cpus = [ { name = cpu0, program = ["store dax"] } ]
            """, "pte-kind.conf");
        var model = ScenarioRunner.BuildModel(spec, DriverScenarios.Settings("random", settings: At(version)));
        var r = StressVm.Runtime.Explorer.RunOne(model, new StressVm.Runtime.RandomStrategy(), 0);
        Assert.False(r.IsBug);
        var pte = model.Mm.GetPte(0x80);
        Assert.True(pte.Present && pte.Write);
        Assert.Equal(special, pte.Special);
        var block = model.K.FrameAt(pte.Pfn);
        Assert.Equal(mapcount, block.Mapcount);
        Assert.Equal(!special, block.IsRefcounted);
    }
}

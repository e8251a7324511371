using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>
/// Fault-around is a traced outcome: young prefaulted PTEs make an aging pass keep every neighbour; old ones
/// let it keep only what was touched. Old PTEs without a hardware access flag are no kernel (arm64's
/// arch_wants_old_prefaulted_pte() is cpu_has_hw_af()): the combination is refused.
/// </summary>
public class FaultAroundCounterTests
{
    private static Dictionary<string, long> Counters(string scenario) =>
        DriverScenarios.Explore(scenario, DriverScenarios.Settings("random"), 500).Counters;

    [Fact]
    public void OldAndYoungDifferInTheDocumentedDirection()
    {
        var young = Counters("faultaround-young");
        var old = Counters("faultaround-old");

        // Same prefaulting in both.
        Assert.Equal(young["faultaround-ptes-prefaulted"], old["faultaround-ptes-prefaulted"]);
        // Young: aging keeps the whole window; old: only what was really touched.
        Assert.True(young["faultaround-pages-aging-keeps"] > old["faultaround-pages-aging-keeps"]);
        Assert.Equal(young["faultaround-ptes-prefaulted"] + 500, young["faultaround-pages-aging-keeps"]);
        // Old PTEs are made young by access; young ones never were old.
        Assert.Equal(0, young["faultaround-ptes-made-young-by-access"]);
        Assert.True(old["faultaround-ptes-made-young-by-access"] > 0);
        // With a hardware access flag, old PTEs cost no extra fault.
        Assert.Equal(young["faultaround-minor-faults"], old["faultaround-minor-faults"]);
    }

    [Fact]
    public void OldPtesWithoutAHardwareAccessFlagAreRefused()
    {
        var e = Assert.Throws<StressVm.Scenarios.ScenarioException>(() => StressVm.Scenarios.ScenarioLoader.Parse(
            "kernel { faultaround.old-ptes = true, arch.hw-access-flag = false }\nvmas = []\n", "bad.conf"));
        Assert.Contains("cpu_has_hw_af", e.Message);
        Assert.StartsWith("bad.conf:1:", e.Message);
        // The same combination from an override on top of a scenario's pin.
        var spec = StressVm.Scenarios.ScenarioCatalog.LoadBuiltin("faultaround-old");
        var k = Assert.Throws<StressVm.Kernel.KernelKnobsException>(() =>
            spec.Knobs(null, null, new Dictionary<string, string> { ["arch.hw-access-flag"] = "false" }));
        Assert.Contains("arch_wants_old_prefaulted_pte", k.Message);
    }
}

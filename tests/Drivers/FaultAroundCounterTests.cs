using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>
/// Fault-around is a traced outcome: young prefaulted PTEs make an aging pass keep every neighbour; old ones
/// let it keep only what was touched; without a hardware access flag, old PTEs cost an extra fault per touch.
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
        var oldNoAf = Counters("faultaround-old-no-hwaf");

        // Same prefaulting in all three.
        Assert.Equal(young["faultaround-ptes-prefaulted"], old["faultaround-ptes-prefaulted"]);
        // Young: aging keeps the whole window; old: only what was really touched.
        Assert.True(young["faultaround-pages-aging-keeps"] > old["faultaround-pages-aging-keeps"]);
        Assert.Equal(young["faultaround-ptes-prefaulted"] + 500, young["faultaround-pages-aging-keeps"]);
        // Old PTEs are made young by access; young ones never were old.
        Assert.Equal(0, young["faultaround-ptes-made-young-by-access"]);
        Assert.True(old["faultaround-ptes-made-young-by-access"] > 0);
        // With a hardware access flag, old PTEs cost no extra fault; without it, every first touch faults.
        Assert.Equal(young["faultaround-minor-faults"], old["faultaround-minor-faults"]);
        Assert.True(oldNoAf["faultaround-minor-faults"] > old["faultaround-minor-faults"]);
        Assert.Equal(old["faultaround-ptes-made-young-by-access"], oldNoAf["faultaround-ptes-made-young-by-access"]);
    }
}

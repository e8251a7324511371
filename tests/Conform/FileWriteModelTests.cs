using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>
/// The model's write(2) to a page-cache file (GenericPerformWrite: shmem_file_write_iter -&gt;
/// generic_perform_write), the gap file-write-then-load found on the kernel: the data lands in the folio the
/// mappings map, and the folio is dirty for writeback.
/// </summary>
public class FileWriteModelTests
{
    private static (KernelModel Model, ISchedulingStrategy Strategy) Build(string text, string strategy)
    {
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var model = ScenarioRunner.BuildModel(ScenarioLoader.Parse(text, "unit.conf"), s);
        return (model, ScenarioRunner.Strategy(model, s));
    }

    [Fact]
    public void WriteIsSeenThroughEveryMappingOfTheFolioEvenWhenAlreadyMapped()
    {
        // The first load maps the folio through a; the store maps it through b; write(2) must change the
        // page both PTEs (and the TLB entries) point at, not a copy.
        var (m, strategy) = Build("""
            files = [ { name = f0, pages = 2 } ]
            vmas = [
              { name = a, start = 0x20, pages = 2, shared = true, file = f0 }
              { name = b, start = 0x30, pages = 1, shared = true, file = f0, pgoff = 1 }
            ]
            cpus = [ { name = cpu0, program = ["load a+1", "store b", "write a", "load a+1", "load b", "load a+0"] } ]
            """, "random");
        for (ulong seed = 0; seed < 20; seed++)
        {
            var r = Explorer.RunOne(m, strategy, seed);
            Assert.Equal(Outcome.Completed, r.Outcome);
            Assert.Equal("cpu0.0=value=0 cpu0.1=stored cpu0.2=ret=0 cpu0.3=value=kernel cpu0.4=value=kernel cpu0.5=value=kernel", m.OutcomeVectorText);
        }
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct:2")]
    public void WriteRacingStoresAndWritebackLosesNoData(string strategy)
    {
        // write_end marks the folio dirty (and the filesystem's page state is set up in write_begin), so
        // writeback writes what write(2) copied: the lost-write oracle would fire at the end otherwise.
        var (m, s) = Build("""
            files = [ { name = f0, pages = 2 } ]
            vmas = [ { name = buf, start = 0x20, pages = 2, shared = true, file = f0 } ]
            cpus = [
              { name = cpu0, program = ["store buf+0", "write buf", "store buf+1"] }
              { name = cpu1, program = ["write buf+0:1", "load buf+0", "load buf+1"] }
            ]
            background = [ { kind = writeback, name = writeback, file = f0, passes = 3, walk = folio_mkclean } ]
            """, strategy);
        var loads = new HashSet<string>(StringComparer.Ordinal);
        for (ulong seed = 0; seed < 400; seed++)
        {
            var r = Explorer.RunOne(m, s, seed);
            Assert.True(r.Outcome == Outcome.Completed, $"seed {seed}: {ScenarioRunner.FindingName(r)}");
            loads.Add(m.OutcomeVectorText.Split(' ')[^2]);
        }
        // The load after cpu1's write sees its own write(2), cpu0's, or cpu0's first store: all reachable.
        Assert.Equal(["cpu1.1=value=cpu0.0", "cpu1.1=value=kernel"], loads.Order(StringComparer.Ordinal));
    }
}

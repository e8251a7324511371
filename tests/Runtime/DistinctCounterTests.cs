using StressVm.Runtime;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>Distinct fingerprints in bounded memory: exact up to the bound, a HyperLogLog estimate beyond it.</summary>
public class DistinctCounterTests
{
    private static ulong Mix(ulong x) => StableHash.Avalanche(x * 0x9E3779B97F4A7C15UL + 1);

    [Fact]
    public void ExactUpToTheBound()
    {
        var c = new DistinctCounter(exactBound: 1000);
        for (ulong i = 0; i < 1000; i++) { c.Add(Mix(i)); c.Add(Mix(i)); }
        Assert.True(c.IsExact);
        Assert.Equal(1000, c.Count);
        Assert.Equal("1,000", c.ToString());
        Assert.Equal("exact", c.Method);
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(200_000)]
    [InlineData(3_000_000)]
    public void EstimatedBeyondTheBoundWithinFourStandardErrors(int distinct)
    {
        var c = new DistinctCounter(exactBound: 1000);
        for (int round = 0; round < 2; round++) // every value twice: duplicates must not count
            for (ulong i = 0; i < (ulong)distinct; i++) c.Add(Mix(i));
        Assert.False(c.IsExact);
        Assert.Equal("hyperloglog", c.Method);
        double error = Math.Abs(c.Count - distinct) / (double)distinct;
        Assert.True(error < 4 * c.RelativeError, $"estimate {c.Count} for {distinct}: off by {error:P2}");
        Assert.Matches(@"^~\d+\.\d\d[kMG] \(estimated, HyperLogLog, \+-0\.8%\)$", c.ToString());
    }

    [Fact]
    public void TheEstimateDoesNotDependOnOrder()
    {
        var a = new DistinctCounter(exactBound: 10);
        var b = new DistinctCounter(exactBound: 10);
        for (ulong i = 0; i < 50_000; i++) { a.Add(Mix(i)); b.Add(Mix(49_999 - i)); }
        Assert.Equal(a.Count, b.Count);
    }

    [Fact]
    public void ExplorationSummaryCountsThroughIt()
    {
        var s = new ExplorationSummary();
        Assert.True(s.Fingerprints.IsExact);
        Assert.Equal(0, s.DistinctFingerprints);
    }
}

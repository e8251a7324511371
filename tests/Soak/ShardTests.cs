using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

public class ShardTests
{
    [Fact]
    public void TwoShardsCoverDisjointSeedsWhoseUnionIsTheWholeRange()
    {
        const int chunk = 10, chunksPerShard = 25;
        var a = new SeedSpace(1, chunk, ShardSpec.Create(0, 2));
        var b = new SeedSpace(1, chunk, ShardSpec.Create(1, 2));
        var seedsA = Enumerable.Range(0, chunksPerShard).SelectMany(c => a.Seeds(c)).ToHashSet();
        var seedsB = Enumerable.Range(0, chunksPerShard).SelectMany(c => b.Seeds(c)).ToHashSet();

        Assert.Empty(seedsA.Intersect(seedsB));
        var union = seedsA.Union(seedsB).OrderBy(s => s).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * chunksPerShard * chunk).Select(i => (ulong)i), union);
    }

    [Fact]
    public void ShardedSoaksRunDisjointChunks()
    {
        string d0 = SoakTestKit.NewStateDirectory(), d1 = SoakTestKit.NewStateDirectory();
        SoakTestKit.Run(SoakTestKit.Options(d0, SoakTestKit.Clean) with { Shard = ShardSpec.Create(0, 2), MaxSchedules = 500 });
        SoakTestKit.Run(SoakTestKit.Options(d1, SoakTestKit.Clean) with { Shard = ShardSpec.Create(1, 2), MaxSchedules = 500 });
        var g0 = SoakTestKit.Records<ChunkCompleted>(d0).Select(c => c.GlobalChunk).ToList();
        var g1 = SoakTestKit.Records<ChunkCompleted>(d1).Select(c => c.GlobalChunk).ToList();

        Assert.Equal(10, g0.Count);
        Assert.Empty(g0.Intersect(g1));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), g0.Concat(g1).OrderBy(g => g));
    }

    [Theory]
    [InlineData("1/4", null, null, 1, 4)]
    [InlineData("/3", "2", null, 2, 3)]
    [InlineData(null, "5", "8", 5, 8)]
    [InlineData(null, null, null, 0, 1)]
    public void ShardComesFromTheOptionOrTheIndexedJobEnvironment(string? option, string? index, string? count, int wantIndex, int wantCount)
    {
        var env = new Dictionary<string, string?> { [ShardSpec.IndexVariable] = index, [ShardSpec.CountVariable] = count };
        Assert.Equal(new ShardSpec(wantIndex, wantCount), ShardSpec.Resolve(option, k => env.GetValueOrDefault(k)));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("x/2")]
    [InlineData("3")]
    public void BadShardsAreClearErrors(string option) =>
        Assert.Throws<ArgumentException>(() => ShardSpec.Resolve(option, _ => null));
}

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Maps a shard's chunks to seeds: local chunk k of shard I/N is global chunk g = k*N + I, which holds the
/// seeds <c>BaseSeed + g*ChunkSize .. BaseSeed + (g+1)*ChunkSize - 1</c>. Every scenario has the same seed space.
/// </summary>
public readonly record struct SeedSpace(ulong BaseSeed, int ChunkSize, ShardSpec Shard)
{
    public ulong FirstSeed(long localChunk) => BaseSeed + (ulong)Shard.GlobalChunk(localChunk) * (ulong)ChunkSize;

    public ulong Seed(long localChunk, int offset) => FirstSeed(localChunk) + (ulong)offset;

    /// <summary>The seeds of <paramref name="localChunk"/>, in order.</summary>
    public IEnumerable<ulong> Seeds(long localChunk)
    {
        ulong first = FirstSeed(localChunk);
        for (int i = 0; i < ChunkSize; i++) yield return first + (ulong)i;
    }
}

using System.Globalization;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: the shard owns the global seed chunks
/// <c>Index, Index + Count, Index + 2*Count, ...</c>, so shards never overlap and together cover every chunk.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public const string IndexVariable = "JOB_COMPLETION_INDEX";
    public const string CountVariable = "STRESSVM_SHARDS";

    public static readonly ShardSpec Single = new(0, 1);

    /// <summary>The global chunk number of this shard's <paramref name="localChunk"/>-th chunk.</summary>
    public long GlobalChunk(long localChunk) => localChunk * Count + Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// From "--shard I/N" or "--shard /N" (index from <c>JOB_COMPLETION_INDEX</c>), or with no option from
    /// <c>JOB_COMPLETION_INDEX</c> and <c>STRESSVM_SHARDS</c>; <see cref="Single"/> when none is given.
    /// </summary>
    public static ShardSpec Resolve(string? option, Func<string, string?> env)
    {
        string? envIndex = env(IndexVariable);
        string? envCount = env(CountVariable);
        if (string.IsNullOrWhiteSpace(option))
        {
            if (string.IsNullOrWhiteSpace(envIndex)) return Single;
            if (string.IsNullOrWhiteSpace(envCount))
                throw new ArgumentException($"{IndexVariable} is set but the shard count is not: pass --shard /N or set {CountVariable}");
            return Create(ParseInt(envIndex, IndexVariable), ParseInt(envCount, CountVariable));
        }
        int slash = option.IndexOf('/');
        if (slash < 0) throw new ArgumentException($"bad --shard '{option}': expected I/N, e.g. 0/4 (or /N with {IndexVariable} set)");
        string indexText = option[..slash].Trim();
        int count = ParseInt(option[(slash + 1)..].Trim(), "--shard count");
        if (indexText.Length == 0)
        {
            if (string.IsNullOrWhiteSpace(envIndex)) throw new ArgumentException($"--shard /{count} takes the index from {IndexVariable}, which is not set");
            return Create(ParseInt(envIndex, IndexVariable), count);
        }
        return Create(ParseInt(indexText, "--shard index"), count);
    }

    public static ShardSpec Create(int index, int count)
    {
        if (count < 1) throw new ArgumentException($"shard count must be at least 1, got {count}");
        if (index < 0 || index >= count) throw new ArgumentException($"shard index must be in [0, {count}), got {index}");
        return new ShardSpec(index, count);
    }

    private static int ParseInt(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ArgumentException($"bad {what} '{text}': expected a non-negative integer");
}

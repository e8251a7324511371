namespace StressVm.Scenarios.Soak;

/// <summary>What one chunk's runs found, summed per signature until the chunk completes. Reused chunk after chunk.</summary>
internal sealed class ChunkTally
{
    private readonly Dictionary<string, Entry> _bySignature = new(StringComparer.Ordinal);

    public long Schedules;
    public long Steps;
    public long InternalErrors;
    /// <summary>Runs that found a bug (every signature's count, summed).</summary>
    public long FailingRuns;

    public void Clear()
    {
        _bySignature.Clear();
        Schedules = Steps = InternalErrors = FailingRuns = 0;
    }

    public void AddFailure(string signature, string invariant, ulong seed, int steps, string strategy)
    {
        FailingRuns++;
        if (!_bySignature.TryGetValue(signature, out var e))
        {
            _bySignature[signature] = new Entry(invariant, 1, seed, strategy, seed, steps, strategy);
            return;
        }
        e.Count++;
        if (steps < e.ShortestSteps) (e.ShortestSeed, e.ShortestSteps, e.ShortestStrategy) = (seed, steps, strategy);
    }

    public IReadOnlyList<ChunkFailure> Failures() =>
        _bySignature.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ChunkFailure(kv.Key, kv.Value.Invariant, kv.Value.Count, kv.Value.FirstSeed, kv.Value.FirstStrategy,
                kv.Value.ShortestSeed, kv.Value.ShortestSteps, kv.Value.ShortestStrategy))
            .ToList();

    private sealed class Entry(string invariant, long count, ulong firstSeed, string firstStrategy, ulong shortestSeed, int shortestSteps, string shortestStrategy)
    {
        public string Invariant = invariant;
        public long Count = count;
        public ulong FirstSeed = firstSeed;
        public string FirstStrategy = firstStrategy;
        public ulong ShortestSeed = shortestSeed;
        public int ShortestSteps = shortestSteps;
        public string ShortestStrategy = shortestStrategy;
    }
}

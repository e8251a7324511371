namespace StressVm.Runtime;

/// <summary>What was found for one invariant over a seed range.</summary>
public sealed record FindingSummary(string Invariant, int Count, ulong FirstSeed, int FirstStep, int FirstSchedule, string Example);

/// <summary>Totals of one exploration: schedules, steps, distinct interleavings and findings by invariant.</summary>
public sealed class ExplorationSummary
{
    private readonly Dictionary<string, FindingSummary> _findings = new(StringComparer.Ordinal);
    private readonly DistinctCounter _fingerprints = new();

    public int Schedules { get; private set; }
    public long Steps { get; private set; }
    public int InternalErrors { get; private set; }
    public string? FirstInternalError { get; private set; }
    /// <summary>Distinct fingerprints: exact up to <see cref="DistinctCounter.ExactBound"/>, estimated beyond (see <see cref="Fingerprints"/>).</summary>
    public long DistinctFingerprints => _fingerprints.Count;
    /// <summary>The distinct-fingerprint count with whether it is exact.</summary>
    public DistinctCounter Fingerprints => _fingerprints;
    public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);

    /// <summary>Findings ordered by invariant name.</summary>
    public IReadOnlyList<FindingSummary> Findings => _findings.Values.OrderBy(f => f.Invariant, StringComparer.Ordinal).ToList();

    public bool FoundBug => _findings.Count > 0;

    public void Add(RunResult r)
    {
        Schedules++;
        Steps += r.Steps;
        _fingerprints.Add(r.Fingerprint);
        if (r.Outcome == Outcome.InternalError || r.Outcome == Outcome.ReplayDiverged)
        {
            InternalErrors++;
            FirstInternalError ??= $"seed {r.Seed}: {r.Error}";
            return;
        }
        if (!r.IsBug) return;
        string name = r.FindingName!;
        _findings[name] = _findings.TryGetValue(name, out var f)
            ? f with { Count = f.Count + 1 }
            : new FindingSummary(name, 1, r.Seed, r.Steps, Schedules, r.ToString());
    }
}

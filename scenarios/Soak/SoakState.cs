namespace StressVm.Scenarios.Soak;

/// <summary>
/// The state of one state directory: the fold of its journal. Which chunks are done per scenario, the
/// totals, the distinct failures and the internal errors. Applying a record twice (a write retried after
/// a partial failure) changes nothing. Thread-safe.
/// </summary>
public sealed class SoakState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ChunkLedger> _ledgers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Scenario, string Signature), FailureEntry> _failures = new();
    private readonly HashSet<(string Scenario, string Signature)> _minimized = new();
    private readonly List<InternalErrorFound> _internalErrors = new();
    private readonly List<CoverageSeen> _coverage = new();

    public SoakState(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }
    public SoakStarted? Header { get; private set; }

    /// <summary>The knobs and settings the soak was started with; null in journals of older versions until a resume records them.</summary>
    public SoakSettingsRecorded? RecordedSettings { get; private set; }
    public long Schedules { get; private set; }
    public long Steps { get; private set; }
    public long InternalErrors { get; private set; }
    public int Sessions { get; private set; }

    /// <summary>Chunk results that arrived more than once (a worker thought lost finished after all, a result resent after a reconnect) and were counted once.</summary>
    public long DuplicateChunks { get; private set; }

    /// <summary>Chunks done, over every scenario.</summary>
    public long DoneChunks { get { lock (_gate) return _ledgers.Values.Sum(l => l.DoneCount); } }

    public int DistinctFailures { get { lock (_gate) return _failures.Count; } }

    /// <summary>Distinct failures, by scenario then signature.</summary>
    public IReadOnlyList<FailureEntry> Failures
    {
        get
        {
            lock (_gate)
                return _failures.Values.OrderBy(f => f.Scenario, StringComparer.Ordinal).ThenBy(f => f.Signature, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The coverage snapshots, in journal order (schedules grow): classes over schedules.</summary>
    public IReadOnlyList<CoverageSeen> Coverage { get { lock (_gate) return _coverage.ToList(); } }

    public IReadOnlyList<InternalErrorFound> InternalErrorRecords { get { lock (_gate) return _internalErrors.ToList(); } }

    /// <summary>Reads the journal of <paramref name="directory"/> (skipping torn records with a warning).</summary>
    public static SoakState Load(string directory, Action<string> warn)
    {
        var state = new SoakState(directory);
        foreach (var r in JournalFile.ReadAll(directory, warn)) state.Apply(r);
        return state;
    }

    public ChunkLedger Ledger(string scenario)
    {
        lock (_gate)
        {
            if (!_ledgers.TryGetValue(scenario, out var l)) _ledgers[scenario] = l = new ChunkLedger();
            return l;
        }
    }

    public IReadOnlyList<string> ScenariosWithChunks { get { lock (_gate) return _ledgers.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList(); } }

    public bool IsMinimized(string scenario, string signature)
    {
        lock (_gate) return _minimized.Contains((scenario, signature));
    }

    /// <summary>True exactly once per (scenario, signature): the caller found it first and records it.</summary>
    public bool TryDiscover(FailureFound f)
    {
        lock (_gate)
        {
            if (_failures.ContainsKey((f.Scenario, f.Signature))) return false;
            ApplyDiscovery(f);
            return true;
        }
    }

    public void Apply(SoakRecord record)
    {
        lock (_gate)
        {
            switch (record)
            {
                case SoakStarted s:
                    Header ??= s;
                    break;
                case SoakSettingsRecorded r:
                    RecordedSettings ??= r;
                    break;
                case SessionStarted:
                    Sessions++;
                    break;
                case ChunkCompleted c:
                    ApplyChunk(c);
                    break;
                case FailureFound f:
                    ApplyDiscovery(f);
                    break;
                case ScheduleMinimized m:
                    var e = Entry(m.Scenario, m.Signature, m.Invariant);
                    e.MinimizedSchedule = Path.Combine(Directory, m.Path);
                    e.MinimizedSteps = m.Steps;
                    _minimized.Add((m.Scenario, m.Signature));
                    break;
                case CoverageSeen c:
                    _coverage.Add(c);
                    break;
                case InternalErrorFound i:
                    _internalErrors.Add(i);
                    break;
            }
        }
    }

    private void ApplyChunk(ChunkCompleted c)
    {
        if (!Ledger(c.Scenario).MarkDone(c.Chunk))
        {
            DuplicateChunks++; // a duplicated record: counted once
            return;
        }
        Schedules += c.Schedules;
        Steps += c.Steps;
        InternalErrors += c.InternalErrors;
        foreach (var f in c.Failures)
        {
            var e = Entry(c.Scenario, f.Signature, f.Invariant);
            e.Count += f.Count;
            e.SeeFirst(f.FirstSeed, f.FirstStrategy);
            e.SeeRun(f.ShortestSeed, f.ShortestSteps, f.ShortestStrategy);
        }
    }

    private void ApplyDiscovery(FailureFound f)
    {
        var e = Entry(f.Scenario, f.Signature, f.Invariant);
        e.SeeFirst(f.Seed, f.Strategy);
        e.SeeRun(f.Seed, f.Steps, f.Strategy);
        if (e.Detail.Length == 0) (e.Detail, e.Tail) = (f.Detail, f.Tail);
        e.Recipe ??= f.Recipe;
    }

    private FailureEntry Entry(string scenario, string signature, string invariant)
    {
        if (!_failures.TryGetValue((scenario, signature), out var e))
            _failures[(scenario, signature)] = e = new FailureEntry(scenario, signature, invariant);
        return e;
    }
}

using System.Globalization;
using StressVm.Scenarios.Minimize;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Store;

/// <summary>
/// The coordinator's durable side: the state directory's lock, its journal (durable appends through Polly) and the
/// state folded from it. Opened before the coordinator actor starts, so a bad directory or another seed space is a
/// clear error, not an actor failure; closed after the session ended. The coordinator is its only writer.
/// </summary>
public sealed class CampaignStore : IDisposable
{
    private readonly FileStream _lock;
    private readonly Action<string> _warn;
    private bool _closed, _disposed;

    private CampaignStore(SoakOptions options, IReadOnlyList<string> scenarios, FileStream dirLock, SoakState state, ResilientJournal journal, Action<string> warn)
    {
        Options = options;
        Scenarios = scenarios;
        _lock = dirLock;
        State = state;
        Journal = journal;
        _warn = warn;
        Space = new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard);
    }

    public SoakOptions Options { get; }
    public IReadOnlyList<string> Scenarios { get; }
    public SeedSpace Space { get; }
    public SoakState State { get; }
    public ResilientJournal Journal { get; }

    /// <summary>
    /// Takes the directory, reads its journal, checks (or writes) its seed space, portfolio and <paramref name="settings"/>
    /// (the user's knobs and settings; default none) and records the session start. Another seed space, portfolio or
    /// settings than the journal's: <see cref="ArgumentException"/> naming each difference, on one line.
    /// </summary>
    public static CampaignStore Open(SoakOptions options, IReadOnlyList<string> scenarios, Action<string> warn, Scenarios.RunSettings? settings = null)
    {
        options.Validate();
        Directory.CreateDirectory(options.StateDirectory);
        var dirLock = JournalFile.Lock(options.StateDirectory);
        ResilientJournal? journal = null;
        try
        {
            var state = SoakState.Load(options.StateDirectory, warn);
            journal = new ResilientJournal(JournalFile.OpenForAppend(options.StateDirectory, warn), warn);
            var store = new CampaignStore(options, scenarios, dirLock, state, journal, warn);
            store.CheckOrWriteHeader(SoakSettingsRecorded.Of(settings ?? new Scenarios.RunSettings()));
            store.Append(new SessionStarted(Now(), options.Workers, scenarios));
            return store;
        }
        catch
        {
            journal?.Dispose();
            dirLock.Dispose();
            throw;
        }
    }

    /// <summary>The header a state directory of these options carries.</summary>
    public static SoakStarted HeaderOf(SoakOptions o) =>
        new(SoakStarted.CurrentVersion, o.BaseSeed, o.ChunkSize, o.Shard.Index, o.Shard.Count, o.Portfolio.ToString(), o.SignatureDepth);

    public void Append(SoakRecord record)
    {
        Journal.Append(record);
        State.Apply(record);
    }

    /// <summary>Writes a minimized schedule atomically under the state directory and journals it.</summary>
    public ScheduleMinimized SaveMinimized(MinimizationOutcome m)
    {
        var f = m.Failure;
        string relative = SoakWorker.ScheduleFile(f.Scenario, f.Signature);
        FailureMinimizer.SaveAtomically(m.Schedule, Path.Combine(Options.StateDirectory, relative));
        var record = new ScheduleMinimized(f.Scenario, f.Signature, f.Invariant, f.Seed, relative, m.OriginalSteps, m.Steps, m.Verified);
        Append(record);
        if (!m.Verified) _warn($"{f.Scenario} {f.Signature}: the minimized schedule did not replay identically");
        return record;
    }

    /// <summary>Records the session's end and flushes; returns how many records could not be written.</summary>
    public int Close(long schedules, TimeSpan elapsed, SoakStopReason reason)
    {
        if (_closed || _disposed) return _disposed ? 0 : Journal.Pending;
        _closed = true;
        Journal.Append(new SessionEnded(Now(), schedules, elapsed.TotalSeconds, reason.ToString()));
        return Journal.Flush();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Journal.Dispose();
        _lock.Dispose();
    }

    private void CheckOrWriteHeader(SoakSettingsRecorded settings)
    {
        var want = HeaderOf(Options);
        if (State.Header is null)
        {
            Append(want);
            Append(settings);
            return;
        }
        var differences = HeaderDifferences(want, State.Header).ToList();
        if (State.RecordedSettings is { } recorded) differences.AddRange(settings.DifferencesFrom(recorded));
        if (differences.Count > 0)
            throw new ArgumentException(
                $"state directory {Options.StateDirectory} belongs to a soak with another seed space, portfolio or settings: " +
                $"{string.Join("; ", differences)}; resume with the journal's options and --config/-D settings, or use a new --state directory");
        if (State.RecordedSettings is null)
        {
            // A journal of an older StressVm: from now on its settings are this session's, checked on every resume.
            _warn($"state directory {Options.StateDirectory} has no recorded knobs and settings (an older StressVm's journal): recording this session's");
            Append(settings);
        }
    }

    /// <summary>Each field of the seed space and portfolio that differs, as "what X here, Y in the journal".</summary>
    private static IEnumerable<string> HeaderDifferences(SoakStarted here, SoakStarted journal)
    {
        if (here.ShardIndex != journal.ShardIndex || here.ShardCount != journal.ShardCount)
            yield return $"shard {here.ShardIndex}/{here.ShardCount} here, {journal.ShardIndex}/{journal.ShardCount} in the journal";
        if (here.BaseSeed != journal.BaseSeed) yield return $"base seed {here.BaseSeed} here, {journal.BaseSeed} in the journal";
        if (here.ChunkSize != journal.ChunkSize) yield return $"--chunk-size {here.ChunkSize} here, {journal.ChunkSize} in the journal";
        if (here.Portfolio != journal.Portfolio) yield return $"--portfolio {here.Portfolio} here, {journal.Portfolio} in the journal";
        if (here.SignatureDepth != journal.SignatureDepth) yield return $"signature depth {here.SignatureDepth} here, {journal.SignatureDepth} in the journal";
        if (here.Version != journal.Version) yield return $"journal version {here.Version} here, {journal.Version} in the journal";
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}

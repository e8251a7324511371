using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Runs a soak session: N worker threads claim chunks of seeds (scenario by scenario, in rotation), run
/// every seed of a chunk as a whole simulation under the seed's portfolio strategy, and record the chunk
/// as done with its totals; new failure signatures are recorded the moment they are found and minimized.
/// Stops at the duration, the schedule limit or cancellation, whichever comes first; in-flight chunks are
/// abandoned (a resume re-runs them). Worker threads and the stopwatch live here, outside the simulations.
/// </summary>
public sealed class SoakRunner
{
    private readonly IScenarioSource _source;
    private readonly Action<string> _warn;
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentQueue<FailureFound> _toMinimize = new();
    private readonly ConcurrentDictionary<string, int> _errorRecords = new(StringComparer.Ordinal);
    private SoakWorker[] _workers = [];
    private long _claims;
    private long _budget;
    private int _newFailures;
    private volatile bool _stop;
    private SoakStopReason? _reason;

    public SoakRunner(IScenarioSource source, SoakOptions options, Action<string>? warn = null)
    {
        options.Validate();
        _source = source;
        Options = options;
        _warn = warn ?? (m => Console.Error.WriteLine($"stressvm soak: warning: {m}"));
        Scenarios = ResolveScenarios(source, options.Scenarios);
        Space = new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard);
    }

    public SoakOptions Options { get; }
    public IReadOnlyList<string> Scenarios { get; }
    public SeedSpace Space { get; }
    internal SoakState State { get; private set; } = null!;
    internal ResilientJournal Journal { get; private set; } = null!;
    internal bool StopRequested => _stop;

    /// <summary>The state directory's state as loaded and updated by this session (valid during and after <see cref="Run"/>).</summary>
    public SoakState? CurrentState => State;

    public static IReadOnlyList<string> ResolveScenarios(IScenarioSource source, IReadOnlyList<string> requested)
    {
        if (requested.Count == 0 || (requested.Count == 1 && requested[0] == "all")) return source.Names;
        foreach (var name in requested)
            if (!source.Names.Contains(name))
                throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", source.Names)}");
        return requested.Distinct().ToList();
    }

    public SoakProgress Progress()
    {
        long schedules = 0, errors = 0;
        foreach (var w in _workers) { schedules += w.Schedules; errors += w.InternalErrors; }
        var elapsed = _clock.Elapsed;
        double rate = elapsed.TotalSeconds > 0 ? schedules / elapsed.TotalSeconds : 0;
        TimeSpan? left = null;
        if (Options.Duration is { } d) left = d > elapsed ? d - elapsed : TimeSpan.Zero;
        if (Options.MaxSchedules is { } m && rate > 0)
        {
            var byCount = TimeSpan.FromSeconds(Math.Max(0, m - schedules) / rate);
            if (left is null || byCount < left) left = byCount;
        }
        long before = State?.Schedules ?? 0;
        return new SoakProgress(schedules, before, rate, State?.DistinctFailures ?? 0, errors, elapsed, left,
            Options.Workers, Options.MaxSchedules, Options.Duration);
    }

    public SoakSummary Run(CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Options.StateDirectory);
        using var dirLock = JournalFile.Lock(Options.StateDirectory);
        State = SoakState.Load(Options.StateDirectory, _warn);
        using var journal = new ResilientJournal(JournalFile.OpenForAppend(Options.StateDirectory, _warn), _warn);
        Journal = journal;
        CheckOrWriteHeader();
        Journal.Append(new SessionStarted(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), Options.Workers, Scenarios));
        QueueUnminimizedFailures();

        _budget = Options.MaxSchedules ?? long.MaxValue;
        _workers = Enumerable.Range(0, Options.Workers).Select(i => new SoakWorker(this, _source, i)).ToArray();
        using var registration = cancel.Register(() => RequestStop(SoakStopReason.Cancelled));
        _clock.Start();
        var threads = _workers.Select(w => new Thread(w.Run) { Name = $"soak-worker-{w.Index}", IsBackground = true }).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads)
        {
            while (!t.Join(WaitSlice()))
                if (Options.Duration is { } d && _clock.Elapsed >= d) RequestStop(SoakStopReason.Duration);
        }
        _clock.Stop();

        long schedules = _workers.Sum(w => w.Schedules);
        var reason = _reason ?? (_workers.Any(w => w.Failed) ? SoakStopReason.WorkerFailed : SoakStopReason.MaxSchedules);
        Journal.Append(new SessionEnded(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), schedules, _clock.Elapsed.TotalSeconds, reason.ToString()));
        int unwritten = Journal.Flush();
        return new SoakSummary(schedules, _workers.Sum(w => w.Steps), _clock.Elapsed, reason, State.Schedules,
            _workers.Sum(w => w.InternalErrors), _newFailures, State.Failures, unwritten);
    }

    /// <summary>Asks the workers to stop after the simulation each is running.</summary>
    public void RequestStop(SoakStopReason reason)
    {
        lock (_toMinimize) _reason ??= reason;
        _stop = true;
    }

    private TimeSpan WaitSlice()
    {
        if (Options.Duration is not { } d) return TimeSpan.FromMilliseconds(200);
        var left = d - _clock.Elapsed;
        return left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200);
    }

    /// <summary>The next chunk to run, and how many of its seeds the schedule budget allows; null when the session is over.</summary>
    internal (string Scenario, long Chunk, int Seeds)? Claim()
    {
        if (_stop) return null;
        long want = Options.ChunkSize, granted;
        while (true)
        {
            long left = Interlocked.Read(ref _budget);
            if (left <= 0)
            {
                lock (_toMinimize) _reason ??= SoakStopReason.MaxSchedules; // a soft stop: queued minimizations still run
                return null;
            }
            granted = Math.Min(want, left);
            if (Interlocked.CompareExchange(ref _budget, left - granted, left) == left) break;
        }
        long n = Interlocked.Increment(ref _claims) - 1;
        string scenario = Scenarios[(int)(n % Scenarios.Count)];
        return (scenario, State.Ledger(scenario).Claim(), (int)granted);
    }

    internal bool TryTakeMinimization(out FailureFound f) => _toMinimize.TryDequeue(out f!);

    /// <summary>
    /// Called (on a worker thread) with each failure whose signature is new, after it is journaled: the CLI
    /// uses it to export the failing run's trace. Must not throw; must not block for long.
    /// </summary>
    public Action<FailureFound>? NewFailure { get; set; }

    /// <summary>Records a failure if its signature is new; queues it for minimization.</summary>
    internal void Discovered(FailureFound f)
    {
        if (!State.TryDiscover(f)) return;
        Interlocked.Increment(ref _newFailures);
        Journal.Append(f);
        NewFailure?.Invoke(f);
        if (Options.Minimize) _toMinimize.Enqueue(f);
    }

    internal void InternalError(InternalErrorFound e)
    {
        int n = _errorRecords.AddOrUpdate(e.Scenario, 1, (_, v) => v + 1);
        if (n <= Options.MaxInternalErrorRecords)
        {
            Journal.Append(e);
            State.Apply(e);
        }
        if (n == Options.MaxInternalErrorRecords)
            Warn($"{e.Scenario}: {n} internal errors recorded; further ones are only counted");
    }

    internal void ChunkDone(ChunkCompleted c)
    {
        Journal.Append(c);
        State.Apply(c);
    }

    internal void Warn(string message) => _warn(message);

    private void CheckOrWriteHeader()
    {
        var want = new SoakStarted(SoakStarted.CurrentVersion, Options.BaseSeed, Options.ChunkSize, Options.Shard.Index, Options.Shard.Count,
            Options.Portfolio.ToString(), Options.SignatureDepth);
        if (State.Header is null)
        {
            Journal.Append(want);
            State.Apply(want);
            return;
        }
        if (State.Header != want)
            throw new ArgumentException(
                $"state directory {Options.StateDirectory} belongs to a soak with another seed space or portfolio " +
                $"({Describe(State.Header)}; this session: {Describe(want)}); use a new --state directory or the same options");
    }

    private static string Describe(SoakStarted h) =>
        $"shard {h.ShardIndex}/{h.ShardCount}, base seed {h.BaseSeed}, chunk {h.ChunkSize}, portfolio {h.Portfolio}, signature depth {h.SignatureDepth}";

    private void QueueUnminimizedFailures()
    {
        if (!Options.Minimize) return;
        foreach (var f in State.Failures)
            if (Scenarios.Contains(f.Scenario) && !State.IsMinimized(f.Scenario, f.Signature) && f.FirstSeed != ulong.MaxValue)
                _toMinimize.Enqueue(new FailureFound(f.Scenario, f.Signature, f.Invariant, f.FirstSeed, f.FirstStrategy, 0, f.Detail, f.Tail));
    }
}

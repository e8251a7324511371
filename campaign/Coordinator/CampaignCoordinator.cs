using System.Diagnostics;
using Akka.Actor;
using StressVm.Campaign.Protocol;
using StressVm.Campaign.Store;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Coordinator;

/// <summary>
/// The campaign coordinator: hands out seed chunks to workers that ask (work pulling), keeps the chunk ledger and
/// the journal (through its <see cref="CampaignStore"/>), dedups failures by signature, asks for one minimization
/// per new signature, and takes back the chunks of a worker that was lost (watched) or threw. A worker holds at most
/// two grants: the one it runs and one granted ahead (its prefetch, asked for before it runs the first); a lost or
/// crashed worker's grants all go back to the queue, in the order they were granted. A chunk result that arrives
/// twice is journaled as it came and counted once. Locally it is an actor of the soak's system; across
/// machines it is the cluster singleton on the node that holds the state directory.
/// </summary>
public sealed class CampaignCoordinator : ReceiveActor, IWithTimers
{
    /// <summary>Crashes of one seed after which it is recorded as an internal error and skipped.</summary>
    public const int CrashesBeforeSkip = 2;

    /// <summary>Crashes in a row of one worker, not pinned to a seed, after which the session stops.</summary>
    public const int CrashesInARowBeforeStop = 3;

    private readonly CampaignStore _store;
    private readonly CampaignSpec _spec;
    private readonly ChunkQueue _queue;
    private readonly IActorRef? _exporter;
    private readonly Action<string> _warn;
    private readonly TaskCompletionSource<SoakSummary>? _finished;
    // worker -> what it holds, oldest first (at most 2): ChunkGrant or FailureFound (a minimization); no empty lists
    private readonly Dictionary<IActorRef, List<object>> _inFlight = new();
    private readonly HashSet<IActorRef> _watched = new();
    private readonly HashSet<IActorRef> _nodes = new();
    private readonly Queue<FailureFound> _toMinimize = new();
    private readonly Dictionary<(string Scenario, ulong Seed), int> _seedCrashes = new();
    private readonly Dictionary<(string Scenario, long Chunk), HashSet<ulong>> _skip = new();
    private readonly Dictionary<string, int> _errorRecords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _crashesInARow = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SoakCoverage _coverage;
    private long _nextCoverageAt;
    private bool _coverageUnsaved;
    private long _schedules, _steps, _internalErrors;
    private int _newFailures;
    private SoakStopReason? _stopping;
    private bool _over;

    public CampaignCoordinator(CampaignStore store, CampaignSpec spec, IActorRef? exporter, Action<string>? warn, TaskCompletionSource<SoakSummary>? finished)
    {
        _store = store;
        _spec = spec;
        _exporter = exporter;
        _warn = warn ?? (_ => { });
        _finished = finished;
        _queue = new ChunkQueue(store.State, store.Scenarios, store.Options.ChunkSize, store.Options.MaxSchedules);
        QueueUnminimizedFailures();
        _coverage = SoakCoverage.Load(store.Options.StateDirectory, _warn);
        var coverage = store.State.Coverage;
        _nextCoverageAt = coverage.Count > 0 ? 2 * coverage[^1].Schedules : 0; // the first chunk, then each doubling

        Receive<Hello>(OnHello);
        Receive<RequestWork>(m => { if (Ours(m.CampaignId)) Assign(Sender, m); });
        Receive<ChunkDone>(m => { if (Ours(m.CampaignId)) OnChunkDone(m); });
        Receive<ChunkAbandoned>(m => { if (Ours(m.CampaignId)) OnChunkAbandoned(m); });
        Receive<FailureDiscovered>(m => { if (Ours(m.CampaignId)) OnDiscovered(m.ToRecord()); });
        Receive<InternalErrorSeen>(m => { if (Ours(m.CampaignId)) OnInternalError(m.ToRecord()); });
        Receive<WorkerCrashed>(m => { if (Ours(m.CampaignId)) OnCrashed(m); });
        Receive<FailureMinimized>(m => { if (Ours(m.CampaignId)) OnMinimized(m); });
        Receive<MinimizationFailed>(m => { if (Ours(m.CampaignId)) Done(Sender); });
        Receive<Terminated>(m => OnLost(m.ActorRef));
        Receive<StopCampaign>(m => Stop(m.Reason));
        Receive<DurationElapsed>(_ => Stop(SoakStopReason.Duration));
        Receive<GetProgress>(_ => Sender.Tell(Progress()));
        Receive<SaveCoverage>(_ => SaveCoverageFile());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CampaignStore store, CampaignSpec spec, IActorRef? exporter = null, Action<string>? warn = null,
        TaskCompletionSource<SoakSummary>? finished = null) =>
        Akka.Actor.Props.Create(() => new CampaignCoordinator(store, spec, exporter, warn, finished));

    protected override void PreStart()
    {
        if (_store.Options.Duration is { } d) Timers.StartSingleTimer("duration", DurationElapsed.Instance, d);
        // The merged coverage goes to disk now and then, so that a kill -9 loses at most this much of it.
        Timers.StartPeriodicTimer("coverage", SaveCoverage.Instance, TimeSpan.FromSeconds(10));
        CheckFinished();
    }

    protected override void PostStop()
    {
        // Stopped before the session ended (the system shuts down, a test restarts the coordinator): the chunks out
        // stay unfinished in the ledger and the next session runs them first.
        if (!_over)
        {
            RecordCoverage();
            _store.Close(_schedules, _clock.Elapsed, _stopping ?? SoakStopReason.Cancelled);
        }
    }

    private bool Ours(string campaignId)
    {
        if (campaignId == _spec.CampaignId) return true;
        _warn($"ignored a message of campaign {campaignId} from {Sender.Path}; this is campaign {_spec.CampaignId}");
        return false;
    }

    private void OnHello(Hello hello)
    {
        if (CampaignIdentity.Refusal(hello, _spec.CampaignId) is { } reason)
        {
            _warn($"refused a worker node: {reason}");
            Sender.Tell(new Refused { Reason = reason });
            return;
        }
        if (_nodes.Add(Sender)) Context.Watch(Sender);
        Sender.Tell(new Welcome { Spec = _spec });
        if (_stopping is not null || _over) Sender.Tell(new StopWork());
    }

    private void Assign(IActorRef worker, RequestWork ask)
    {
        if (_watched.Add(worker)) Context.Watch(worker);
        // A plain ask says the worker holds nothing: what it had is lost (it asks again without a result). An ask
        // ahead comes from a worker about to run what it holds; it gets one more, never a third.
        if (!ask.Ahead) TakeBackAll(worker);
        if (_stopping is not null || _over)
        {
            worker.Tell(new NoWork { Over = true, Request = ask.Request });
            CheckFinished();
            return;
        }
        if (_inFlight.TryGetValue(worker, out var held) && held.Count >= 2)
        {
            worker.Tell(new NoWork { Request = ask.Request });
            return;
        }
        while (_toMinimize.TryDequeue(out var f))
        {
            if (_store.State.IsMinimized(f.Scenario, f.Signature)) continue;
            Hold(worker, f);
            worker.Tell(new MinimizeFailure { Failure = f.ToWire(_spec.CampaignId), Request = ask.Request });
            return;
        }
        if (_queue.Next() is { } grant)
        {
            Hold(worker, grant);
            var work = new Work { CampaignId = _spec.CampaignId, Scenario = grant.Scenario, Chunk = grant.Chunk, Seeds = grant.Seeds, Request = ask.Request };
            if (_skip.TryGetValue((grant.Scenario, grant.Chunk), out var skip)) work.Skip.AddRange(skip.Order());
            worker.Tell(work);
            return;
        }
        worker.Tell(new NoWork { Over = Finishable && _inFlight.Count == 0, Request = ask.Request });
        CheckFinished();
    }

    private void Hold(IActorRef worker, object item)
    {
        if (!_inFlight.TryGetValue(worker, out var held)) _inFlight[worker] = held = new List<object>(2);
        held.Add(item);
    }

    /// <summary>Removes the first item the worker holds that matches; false when it holds none.</summary>
    private bool Unhold(IActorRef worker, Predicate<object> match, out object? item)
    {
        item = null;
        if (!_inFlight.TryGetValue(worker, out var held)) return false;
        int i = held.FindIndex(match);
        if (i < 0) return false;
        item = held[i];
        held.RemoveAt(i);
        if (held.Count == 0) _inFlight.Remove(worker);
        return true;
    }

    /// <summary>Everything the worker holds goes back: requeued so that the oldest grant goes out first again.</summary>
    private List<object>? TakeBackAll(IActorRef worker)
    {
        if (!_inFlight.Remove(worker, out var held)) return null;
        for (int i = held.Count - 1; i >= 0; i--) TakeBack(held[i]); // Requeue puts each first
        return held;
    }

    private void OnChunkDone(ChunkDone m)
    {
        ReleaseGrantOf(Sender, m.Scenario, m.Chunk);
        _crashesInARow.Remove(Sender.Path.ToString());
        _schedules += m.Schedules;
        _steps += m.Steps;
        bool first = !_store.State.Ledger(m.Scenario).IsDone(m.Chunk);
        // Journaled as it arrived, even a second time: the state's fold counts a chunk once and the duplicate as such.
        _store.Append(m.ToRecord());
        if (first)
        {
            _coverage.Merge(m.Classes, m.PairFirst.Zip(m.PairSecond));
            _coverageUnsaved = true;
            if (_store.State.Schedules >= _nextCoverageAt) RecordCoverage();
        }
        CheckFinished();
    }

    private void OnChunkAbandoned(ChunkAbandoned m)
    {
        var grant = ReleaseGrantOf(Sender, m.Scenario, m.Chunk);
        _schedules += m.Schedules;
        _steps += m.Steps;
        if (!_store.State.Ledger(m.Scenario).IsDone(m.Chunk)) _queue.Release(grant ?? new ChunkGrant(m.Scenario, m.Chunk, 0));
        CheckFinished();
    }

    /// <summary>Forgets the sender's grant of this chunk; the grant, or null when the sender did not hold it (a late result).</summary>
    private ChunkGrant? ReleaseGrantOf(IActorRef worker, string scenario, long chunk) =>
        Unhold(worker, o => o is ChunkGrant g && g.Scenario == scenario && g.Chunk == chunk, out var item) ? (ChunkGrant)item! : null;

    private void OnDiscovered(FailureFound f)
    {
        if (!_store.State.TryDiscover(f)) return;
        _newFailures++;
        _store.Journal.Append(f);
        _exporter?.Tell(f);
        if (_store.Options.Minimize) _toMinimize.Enqueue(f);
    }

    private void OnInternalError(InternalErrorFound e)
    {
        _internalErrors++;
        int n = _errorRecords[e.Scenario] = _errorRecords.GetValueOrDefault(e.Scenario) + 1;
        if (n <= _store.Options.MaxInternalErrorRecords) _store.Append(e);
        if (n == _store.Options.MaxInternalErrorRecords) _warn($"{e.Scenario}: {n} internal errors recorded; further ones are only counted");
    }

    private void OnCrashed(WorkerCrashed m)
    {
        TakeBackAll(Sender); // the chunk it ran and the one granted ahead (the fresh instance drops that answer)
        if (m.Scenario.Length == 0)
        {
            // Not pinned to a seed (building a model, say): a worker that keeps failing so ends the session.
            string key = Sender.Path.ToString();
            int row = _crashesInARow[key] = _crashesInARow.GetValueOrDefault(key) + 1;
            _warn($"worker {Sender.Path.Name}: {m.Error}");
            if (row >= CrashesInARowBeforeStop)
            {
                _warn($"worker {Sender.Path.Name} stops the session after {row} failures in a row");
                Stop(SoakStopReason.WorkerFailed);
            }
            return;
        }
        int n = _seedCrashes[(m.Scenario, m.Seed)] = _seedCrashes.GetValueOrDefault((m.Scenario, m.Seed)) + 1;
        if (n < CrashesBeforeSkip)
        {
            _warn($"worker {Sender.Path.Name} restarted after {m.Scenario} seed {m.Seed} threw; its chunk runs again");
            return;
        }
        // Twice: a defect of the model on this seed, not of the worker's state. Recorded with its recipe, never run again.
        if (!_skip.TryGetValue((m.Scenario, m.Chunk), out var skip)) _skip[(m.Scenario, m.Chunk)] = skip = new HashSet<ulong>();
        if (skip.Add(m.Seed)) OnInternalError(new InternalErrorFound(m.Scenario, m.Seed, m.Strategy, $"threw twice, skipped: {m.Error}{(m.Recipe.Length > 0 ? $"; recipe: {m.Recipe}" : "")}"));
    }

    private void OnMinimized(FailureMinimized m)
    {
        Done(Sender);
        var f = m.Failure.ToRecord();
        if (_store.State.IsMinimized(f.Scenario, f.Signature)) return;
        try
        {
            _store.SaveMinimized(new MinimizationOutcome(f, Runtime.Schedule.Parse(m.Schedule), m.OriginalSteps, m.Steps, m.Verified));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            _warn($"{f.Scenario} {f.Signature}: the minimized schedule could not be saved: {e.Message}");
        }
    }

    private void Done(IActorRef worker)
    {
        Unhold(worker, o => o is FailureFound, out _);
        CheckFinished();
    }

    private void OnLost(IActorRef worker)
    {
        _watched.Remove(worker);
        // A node leaving after the session's end is no loss; one lost before it gives its chunks back (below).
        if (_nodes.Remove(worker) && !_over) _warn($"lost worker node {worker.Path.Address}");
        if (TakeBackAll(worker) is { } held)
            _warn($"lost worker {worker.Path}; its {string.Join(" and ", held.Select(h => h is ChunkGrant ? "chunk" : "minimization"))} go(es) back to the queue");
        CheckFinished();
    }

    private void TakeBack(object held)
    {
        if (held is ChunkGrant g) _queue.Requeue(g);
        else if (held is FailureFound f) _toMinimize.Enqueue(f);
    }

    private void Stop(SoakStopReason reason)
    {
        _stopping ??= reason;
        foreach (var n in _nodes) n.Tell(new StopWork());
        CheckFinished();
    }

    /// <summary>Nothing left to hand out this session (stopped, or the budget spent and every minimization given).</summary>
    private bool Finishable => _stopping is not null || (_queue.Exhausted && _toMinimize.Count == 0);

    private void CheckFinished()
    {
        if (_over || !Finishable || _inFlight.Count > 0) return;
        _over = true;
        var reason = _stopping ?? SoakStopReason.MaxSchedules;
        var elapsed = _clock.Elapsed;
        foreach (var n in _nodes) n.Tell(new StopWork());
        RecordCoverage();
        int unwritten = _store.Close(_schedules, elapsed, reason);
        _finished?.TrySetResult(new SoakSummary(_schedules, _steps, elapsed, reason, _store.State.Schedules, _internalErrors,
            _newFailures, _store.State.Failures, unwritten));
    }

    /// <summary>Journals the coverage now (classes over schedules: `soak report`'s table) unless nothing ran since the last row, and saves it.</summary>
    private void RecordCoverage()
    {
        if (!_store.Options.Coverage) return; // soak --no-coverage: no rows, so no table of zeros
        long schedules = _store.State.Schedules;
        var rows = _store.State.Coverage;
        if (schedules == 0 || (rows.Count > 0 && rows[^1].Schedules >= schedules)) return;
        _store.Append(_coverage.Snapshot(schedules));
        _nextCoverageAt = Math.Max(2 * schedules, schedules + 1);
        SaveCoverageFile();
    }

    private void SaveCoverageFile()
    {
        if (!_coverageUnsaved) return;
        try
        {
            _coverage.Save(_store.Options.StateDirectory);
            _coverageUnsaved = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _warn($"coverage could not be saved: {e.Message}");
        }
    }

    private SoakProgress Progress()
    {
        var elapsed = _clock.Elapsed;
        double rate = elapsed.TotalSeconds > 0 ? _schedules / elapsed.TotalSeconds : 0;
        var o = _store.Options;
        TimeSpan? left = null;
        if (o.Duration is { } d) left = d > elapsed ? d - elapsed : TimeSpan.Zero;
        if (o.MaxSchedules is { } max && rate > 0)
        {
            var byCount = TimeSpan.FromSeconds(Math.Max(0, max - _schedules) / rate);
            if (left is null || byCount < left) left = byCount;
        }
        return new SoakProgress(_schedules, _store.State.Schedules, rate, _store.State.DistinctFailures, _internalErrors, elapsed, left,
            _watched.Count > 0 ? _watched.Count : o.Workers, o.MaxSchedules, o.Duration);
    }

    private void QueueUnminimizedFailures()
    {
        if (!_store.Options.Minimize) return;
        foreach (var f in _store.State.Failures)
            if (_store.Scenarios.Contains(f.Scenario) && !_store.State.IsMinimized(f.Scenario, f.Signature) && f.FirstSeed != ulong.MaxValue)
                _toMinimize.Enqueue(new FailureFound(f.Scenario, f.Signature, f.Invariant, f.FirstSeed, f.FirstStrategy, 0, f.Detail, f.Tail));
    }
}

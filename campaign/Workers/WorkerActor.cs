using Akka.Actor;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Workers;

/// <summary>
/// A soak worker: pulls a chunk from the coordinator when idle, runs it on its own thread (a pinned dispatcher) with
/// StressVm's deterministic engine (<see cref="SoakWorker"/>; one simulation at a time), reports new failures the
/// moment they are found and the chunk's totals when it ends, and asks for more. Before it runs a chunk it asks for
/// the next one (<c>ahead</c>), so the coordinator's answer (after its journal flush) waits in the mailbox instead of
/// the worker waiting for it; one ask is outstanding at a time, so it holds at most the chunk it runs and one more. A
/// chunk that arrives once the session is stopping is given back unrun (<see cref="ChunkAbandoned"/>), and the worker
/// goes idle only when its last ask is answered, so no grant is left behind. A throw restarts it (its parent's
/// supervision) with fresh models; before the restart it tells the coordinator, which takes back everything it held.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers, ISoakWorkerHost
{
    private readonly IActorRef _coordinator;
    private readonly string _campaignId;
    private readonly StopSignal _stop;
    private readonly Action<string> _warn;
    private readonly SoakWorker _engine;
    private readonly AskNumbers _asks;
    private long _awaiting; // the outstanding ask's number; 0: none
    private bool _awaitingAhead;

    public WorkerActor(IActorRef coordinator, CampaignSpec spec, SoakOptions options, IScenarioSource source, int index, StopSignal stop,
        Action<string>? warn, AskNumbers asks)
    {
        _asks = asks;
        _coordinator = coordinator;
        _campaignId = spec.CampaignId;
        _stop = stop;
        _warn = warn ?? (_ => { });
        _engine = new SoakWorker(options, new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard), source, index, this);

        Receive<Work>(w => { if (Answers(w.Request)) RunChunk(w); });
        Receive<MinimizeFailure>(m => { if (Answers(m.Request)) Minimize(m); });
        Receive<NoWork>(m =>
        {
            bool ahead = _awaitingAhead;
            if (!Answers(m.Request)) return;
            if (m.Over) Context.Parent.Tell(WorkerIdle.Instance);
            else if (ahead) AskForWork(); // nothing to prefetch then; idle now, so ask plainly (it may have changed)
            else Timers.StartSingleTimer("ask", AskAgain.Instance, TimeSpan.FromMilliseconds(250));
        });
        Receive<AskAgain>(_ => AskForWork());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Schedules this worker ran (live, read by nothing but tests and the worker's own reports).</summary>
    public long Schedules => _engine.Schedules;

    public static Props Props(IActorRef coordinator, CampaignSpec spec, SoakOptions options, IScenarioSource source, int index, StopSignal stop,
        Action<string>? warn = null)
    {
        var asks = new AskNumbers(); // one per worker, kept across its restarts (the Props, and so this, are reused)
        return Akka.Actor.Props.Create(() => new WorkerActor(coordinator, spec, options, source, index, stop, warn, asks))
            .WithDispatcher("stressvm.campaign.worker-dispatcher");
    }

    protected override void PreStart() => AskForWork();

    protected override void PreRestart(Exception reason, object message)
    {
        // Say what was lost before the fresh instance asks for work again (it does in PreStart).
        var crashed = new WorkerCrashed { CampaignId = _campaignId, Error = $"{reason.GetType().Name}: {reason.Message}" };
        if (reason is SeedCrashException s)
        {
            crashed.Scenario = s.Scenario;
            crashed.Chunk = s.Chunk;
            crashed.Seed = s.Seed;
            crashed.Strategy = s.Strategy;
            crashed.Recipe = s.Recipe;
            crashed.Error = $"{s.InnerException?.GetType().Name}: {s.InnerException?.Message}";
        }
        _coordinator.Tell(crashed, Self);
    }

    protected override void PostRestart(Exception reason) => PreStart();

    /// <summary>Asks for work: plainly when idle (holding nothing), or ahead while about to run what it holds.</summary>
    private void AskForWork(bool ahead = false)
    {
        if (_stop.IsSet)
        {
            if (!ahead) Context.Parent.Tell(WorkerIdle.Instance);
            return;
        }
        _awaiting = ++_asks.Last;
        _awaitingAhead = ahead;
        _coordinator.Tell(new RequestWork { CampaignId = _campaignId, Ahead = ahead, Request = _awaiting }, Self);
    }

    /// <summary>
    /// Whether an answer is to the outstanding ask. Not: it answers an ask of this worker before it was restarted, and
    /// the coordinator took back what it granted when it heard of the crash (<see cref="WorkerCrashed"/>).
    /// </summary>
    private bool Answers(long request)
    {
        if (request == 0 || request != _awaiting) return false;
        _awaiting = 0;
        return true;
    }

    private void RunChunk(Work w)
    {
        if (_stop.IsSet)
        {
            // Prefetched and the session is over: give it back unrun, so the ledger hands it out next session.
            _coordinator.Tell(new ChunkAbandoned { CampaignId = _campaignId, Scenario = w.Scenario, Chunk = w.Chunk }, Self);
            Context.Parent.Tell(WorkerIdle.Instance);
            return;
        }
        AskForWork(ahead: true);
        IReadOnlySet<ulong>? skip = w.Skip.Count > 0 ? w.Skip.ToHashSet() : null;
        var run = _engine.RunChunk(w.Scenario, w.Chunk, w.Seeds, skip);
        if (run.Completed is not null) _coordinator.Tell(run.ToWire(_campaignId), Self);
        else _coordinator.Tell(new ChunkAbandoned { CampaignId = _campaignId, Scenario = w.Scenario, Chunk = w.Chunk, Schedules = run.Schedules, Steps = run.Steps }, Self);
        // The answer to the ask ahead drives what comes next: the next chunk, or NoWork (then ask plainly, or go idle).
        if (_awaiting == 0) AskForWork(); // the stop came before the ask ahead: nothing is outstanding
    }

    private void Minimize(MinimizeFailure m)
    {
        var f = m.Failure.ToRecord();
        if (_engine.Minimize(f) is { } done)
            _coordinator.Tell(new FailureMinimized
            {
                CampaignId = _campaignId, Failure = m.Failure, Schedule = done.Schedule.ToText(),
                OriginalSteps = done.OriginalSteps, Steps = done.Steps, Verified = done.Verified,
            }, Self);
        else _coordinator.Tell(new MinimizationFailed { CampaignId = _campaignId, Scenario = f.Scenario, Signature = f.Signature }, Self);
        AskForWork();
    }

    bool ISoakWorkerHost.StopRequested => _stop.IsSet;

    void ISoakWorkerHost.Discovered(FailureFound failure) => _coordinator.Tell(failure.ToWire(_campaignId), Self);

    void ISoakWorkerHost.InternalError(InternalErrorFound error) => _coordinator.Tell(error.ToWire(_campaignId), Self);

    void ISoakWorkerHost.Warn(string message) => _warn(message);

    private sealed record AskAgain
    {
        public static readonly AskAgain Instance = new();
    }

    /// <summary>The last ask's number of one worker, across its restarts (its actor instances run one at a time).</summary>
    public sealed class AskNumbers
    {
        public long Last;
    }
}

/// <summary>A worker has nothing more to do this session (local to its node).</summary>
public sealed record WorkerIdle
{
    public static readonly WorkerIdle Instance = new();
}

using Akka.Actor;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Workers;

/// <summary>
/// A soak worker: pulls a chunk from the coordinator when idle, runs it on its own thread (a pinned dispatcher) with
/// StressVm's deterministic engine (<see cref="SoakWorker"/>; one simulation at a time), reports new failures the
/// moment they are found and the chunk's totals when it ends, and asks for more. A throw restarts it (its parent's
/// supervision) with fresh models; before the restart it tells the coordinator, which takes the chunk back.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers, ISoakWorkerHost
{
    private readonly IActorRef _coordinator;
    private readonly string _campaignId;
    private readonly StopSignal _stop;
    private readonly Action<string> _warn;
    private readonly SoakWorker _engine;
    private Work? _current;

    public WorkerActor(IActorRef coordinator, CampaignSpec spec, SoakOptions options, IScenarioSource source, int index, StopSignal stop, Action<string>? warn)
    {
        _coordinator = coordinator;
        _campaignId = spec.CampaignId;
        _stop = stop;
        _warn = warn ?? (_ => { });
        _engine = new SoakWorker(options, new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard), source, index, this);

        Receive<Work>(RunChunk);
        Receive<MinimizeFailure>(Minimize);
        Receive<NoWork>(m =>
        {
            if (m.Over) Context.Parent.Tell(WorkerIdle.Instance);
            else Timers.StartSingleTimer("ask", AskAgain.Instance, TimeSpan.FromMilliseconds(250));
        });
        Receive<AskAgain>(_ => AskForWork());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Schedules this worker ran (live, read by nothing but tests and the worker's own reports).</summary>
    public long Schedules => _engine.Schedules;

    public static Props Props(IActorRef coordinator, CampaignSpec spec, SoakOptions options, IScenarioSource source, int index, StopSignal stop,
        Action<string>? warn = null) =>
        Akka.Actor.Props.Create(() => new WorkerActor(coordinator, spec, options, source, index, stop, warn))
            .WithDispatcher("stressvm.campaign.worker-dispatcher");

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

    private void AskForWork()
    {
        if (_stop.IsSet) Context.Parent.Tell(WorkerIdle.Instance);
        else _coordinator.Tell(new RequestWork { CampaignId = _campaignId }, Self);
    }

    private void RunChunk(Work w)
    {
        _current = w;
        IReadOnlySet<ulong>? skip = w.Skip.Count > 0 ? w.Skip.ToHashSet() : null;
        var run = _engine.RunChunk(w.Scenario, w.Chunk, w.Seeds, skip);
        _current = null;
        if (run.Completed is not null) _coordinator.Tell(run.ToWire(_campaignId), Self);
        else _coordinator.Tell(new ChunkAbandoned { CampaignId = _campaignId, Scenario = w.Scenario, Chunk = w.Chunk, Schedules = run.Schedules, Steps = run.Steps }, Self);
        AskForWork();
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
}

/// <summary>A worker has nothing more to do this session (local to its node).</summary>
public sealed record WorkerIdle
{
    public static readonly WorkerIdle Instance = new();
}

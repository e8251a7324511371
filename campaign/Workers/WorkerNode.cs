using Akka.Actor;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Workers;

/// <summary>How a worker node's part in a session ended.</summary>
public sealed record NodeOutcome(bool Finished, string? Refusal);

/// <summary>
/// One node's workers and their supervisor: says hello to the coordinator (again every couple of seconds until it
/// answers), builds its worker actors from the campaign spec the coordinator sends, restarts a worker that throws
/// (fresh models; the worker tells the coordinator first, which re-queues the chunk) and sets the node's stop signal
/// when the coordinator ends the session. Finished when every worker is idle for good.
/// </summary>
public sealed class WorkerNode : ReceiveActor, IWithTimers
{
    private readonly IActorRef _coordinator;
    private readonly int _workers;
    private readonly Func<CampaignSpec, IScenarioSource> _sourceFor;
    private readonly string? _expectedCampaign;
    private readonly StopSignal _stop;
    private readonly Action<string>? _onWelcome;
    private readonly Action? _onSessionEnd;
    private readonly Action<string> _warn;
    private readonly TaskCompletionSource<NodeOutcome> _done;
    private readonly string _name;
    private readonly HashSet<IActorRef> _idle = new();
    private bool _welcomed;

    public WorkerNode(IActorRef coordinator, int workers, Func<CampaignSpec, IScenarioSource> sourceFor, string? expectedCampaign,
        Action<string>? warn, TaskCompletionSource<NodeOutcome> done, string name, StopSignal? stop = null, Action<string>? onWelcome = null,
        Action? onSessionEnd = null)
    {
        _stop = stop ?? new StopSignal();
        _onWelcome = onWelcome;
        _onSessionEnd = onSessionEnd;
        _coordinator = coordinator;
        _workers = workers;
        _sourceFor = sourceFor;
        _expectedCampaign = expectedCampaign;
        _warn = warn ?? (_ => { });
        _done = done;
        _name = name;

        Receive<SayHello>(_ => Hello());
        Receive<Welcome>(OnWelcome);
        Receive<Refused>(m => Finish(new NodeOutcome(false, m.Reason)));
        Receive<StopWork>(_ =>
        {
            _stop.Set();
            _onSessionEnd?.Invoke();
            if (!_welcomed || _workers == 0) Finish(new NodeOutcome(true, null));
        });
        Receive<WorkerIdle>(_ =>
        {
            _idle.Add(Sender);
            if (_idle.Count >= _workers) Finish(new NodeOutcome(true, null));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The campaign this node takes part in, once welcomed (it refuses another one after a reconnect).</summary>
    public string? CampaignId { get; private set; }

    public static Props Props(IActorRef coordinator, int workers, Func<CampaignSpec, IScenarioSource> sourceFor, string? expectedCampaign,
        Action<string>? warn, TaskCompletionSource<NodeOutcome> done, string name, StopSignal? stop = null, Action<string>? onWelcome = null,
        Action? onSessionEnd = null) =>
        Akka.Actor.Props.Create(() => new WorkerNode(coordinator, workers, sourceFor, expectedCampaign, warn, done, name, stop, onWelcome, onSessionEnd));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false);

    protected override void PreStart()
    {
        Hello();
        Timers.StartPeriodicTimer("hello", SayHello.Instance, TimeSpan.FromSeconds(2));
    }

    private void Hello() => _coordinator.Tell(new Hello
    {
        CampaignId = _expectedCampaign ?? "", StressvmVersion = CampaignIdentity.StressVmVersion,
        ProtocolVersion = CampaignIdentity.ProtocolVersion, Node = _name,
    }, Self);

    private void OnWelcome(Welcome w)
    {
        if (_welcomed) return;
        if (_expectedCampaign is { Length: > 0 } expected && expected != w.Spec.CampaignId)
        {
            Finish(new NodeOutcome(false, $"the coordinator now runs campaign {w.Spec.CampaignId}; this node joined campaign {expected}: start it again to join the new one"));
            return;
        }
        _welcomed = true;
        CampaignId = w.Spec.CampaignId;
        _onWelcome?.Invoke(w.Spec.CampaignId);
        Timers.Cancel("hello");
        if (_workers == 0) return;
        var options = CampaignIdentity.WorkerOptions(w.Spec, _workers);
        var source = _sourceFor(w.Spec);
        for (int i = 0; i < _workers; i++)
            Context.ActorOf(WorkerActor.Props(_coordinator, w.Spec, options, source, i, _stop, _warn), $"worker-{i}");
    }

    private void Finish(NodeOutcome outcome)
    {
        _stop.Set();
        Timers.CancelAll();
        _done.TrySetResult(outcome);
    }

    private sealed record SayHello
    {
        public static readonly SayHello Instance = new();
    }
}

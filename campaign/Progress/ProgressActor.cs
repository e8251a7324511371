using Akka.Actor;
using StressVm.Campaign.Coordinator;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Progress;

/// <summary>Where the progress display draws: a live panel on a terminal, a log line in CI (the CLI's).</summary>
public interface IProgressView
{
    void Show(SoakProgress progress);
}

/// <summary>
/// The progress display: every interval it asks the coordinator for a snapshot and hands it to the view. A slow
/// answer is skipped, never queued up.
/// </summary>
public sealed class ProgressActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _coordinator;
    private bool _asking;

    public ProgressActor(IActorRef coordinator, IProgressView view, TimeSpan every)
    {
        _coordinator = coordinator;
        Receive<Tick>(_ =>
        {
            if (_asking) return;
            _asking = true;
            _coordinator.Tell(GetProgress.Instance, Self);
        });
        Receive<SoakProgress>(p =>
        {
            _asking = false;
            view.Show(p);
        });
        _every = every;
    }

    private readonly TimeSpan _every;

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, _every, _every);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, IProgressView view, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new ProgressActor(coordinator, view, every));

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}

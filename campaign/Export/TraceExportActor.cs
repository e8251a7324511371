using Akka.Actor;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Export;

/// <summary>Asks the export actor to finish what it holds; answered with <see cref="ExportsDone"/> once its queue is empty.</summary>
public sealed record FlushExports
{
    public static readonly FlushExports Instance = new();
}

/// <summary>Traces exported and dropped (the queue was full) this session.</summary>
public sealed record ExportsDone(int Exported, int Dropped);

/// <summary>
/// Exports one trace per new distinct failure, off the workers' threads (its own pinned thread): the export delegate
/// re-runs the failing seed and hands the run to telemetry, whose Polly pipeline and bounded queue keep a failing
/// collector from holding anything up. Its own queue is bounded too: past <see cref="Capacity"/> waiting failures,
/// new ones are counted as dropped, never waited for.
/// </summary>
public sealed class TraceExportActor : ReceiveActor
{
    public const int Capacity = 64;

    private readonly Action<FailureFound> _export;
    private readonly Action<string> _warn;
    private readonly Queue<FailureFound> _queue = new();
    private readonly List<IActorRef> _flushers = new();
    private int _exported, _dropped;
    private bool _draining;

    public TraceExportActor(Action<FailureFound> export, Action<string>? warn)
    {
        _export = export;
        _warn = warn ?? (_ => { });
        Receive<FailureFound>(f =>
        {
            if (_queue.Count >= Capacity) { _dropped++; return; }
            _queue.Enqueue(f);
            if (!_draining) { _draining = true; Self.Tell(Drain.Instance); }
        });
        Receive<Drain>(_ => ExportOne());
        Receive<FlushExports>(_ =>
        {
            _flushers.Add(Sender);
            if (_queue.Count == 0) Answer();
        });
    }

    public static Props Props(Action<FailureFound> export, Action<string>? warn = null) =>
        Akka.Actor.Props.Create(() => new TraceExportActor(export, warn)).WithDispatcher("stressvm.campaign.export-dispatcher");

    private void ExportOne()
    {
        if (_queue.TryDequeue(out var f))
        {
            try
            {
                _export(f);
                _exported++;
            }
            catch (Exception e)
            {
                _warn($"cannot export the trace of {f.Scenario} seed {f.Seed}: {e.Message}");
            }
        }
        if (_queue.Count > 0) Self.Tell(Drain.Instance); // one at a time: new failures and a flush get in between
        else
        {
            _draining = false;
            Answer();
        }
    }

    private void Answer()
    {
        foreach (var f in _flushers) f.Tell(new ExportsDone(_exported, _dropped));
        _flushers.Clear();
    }

    private sealed record Drain
    {
        public static readonly Drain Instance = new();
    }
}

using Akka.Actor;
using StressVm.Campaign.Coordinator;
using StressVm.Campaign.Export;
using StressVm.Campaign.Progress;
using StressVm.Campaign.Protocol;
using StressVm.Campaign.Store;
using StressVm.Campaign.Workers;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign;

/// <summary>
/// One soak session on this machine as an Akka.NET actor system: the coordinator (with the state directory), one
/// worker node with <see cref="SoakOptions.Workers"/> worker actors on pinned threads, the trace export actor and the
/// progress display. <see cref="Run"/> blocks until the session ends (duration, schedule budget, cancellation) and
/// returns its summary; the state is flushed by then.
/// </summary>
public sealed class CampaignRunner
{
    private readonly IScenarioSource _source;
    private readonly Action<string> _warn;
    private readonly RunSettings _settings;

    public CampaignRunner(IScenarioSource source, SoakOptions options, Action<string>? warn = null, RunSettings? settings = null)
    {
        options.Validate();
        _source = source;
        Options = options;
        _warn = warn ?? (m => Console.Error.WriteLine($"stressvm soak: warning: {m}"));
        _settings = settings ?? new RunSettings();
        Scenarios = ResolveScenarios(source, options.Scenarios);
        Spec = CampaignIdentity.Spec(options, Scenarios, _settings);
    }

    public SoakOptions Options { get; }
    public IReadOnlyList<string> Scenarios { get; }
    public CampaignSpec Spec { get; }

    /// <summary>Exports the trace of each new distinct failure (on the export actor's thread); none when null.</summary>
    public Action<FailureFound>? ExportTrace { get; set; }

    /// <summary>The progress display's view and its interval; none when null.</summary>
    public (IProgressView View, TimeSpan Every)? Display { get; set; }

    /// <summary>How long the end of a session waits for trace exports still queued.</summary>
    public TimeSpan ExportDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where this coordinator listens for worker nodes (`soak --listen HOST:PORT`): the session is then the coordinator
    /// node of a cluster, the coordinator a cluster singleton, and its <see cref="SoakOptions.Workers"/> local workers
    /// (0 allowed) pull chunks as remote ones do. Null: a session of this machine alone.
    /// </summary>
    public Cluster.Endpoint? Listen { get; set; }

    /// <summary>Called once the state directory is open and its journal accepted (seed space, portfolio and settings match).</summary>
    public Action? Opened { get; set; }

    /// <summary>Said once the coordinator listens: its campaign id and address (for the user, and tests).</summary>
    public Action<string>? Listening { get; set; }

    /// <summary>The state directory's state after <see cref="Run"/>.</summary>
    public SoakState? CurrentState { get; private set; }

    /// <summary>Traces exported and dropped, after <see cref="Run"/>.</summary>
    public ExportsDone? Exports { get; private set; }

    public static IReadOnlyList<string> ResolveScenarios(IScenarioSource source, IReadOnlyList<string> requested)
    {
        if (requested.Count == 0 || (requested.Count == 1 && requested[0] == "all")) return source.Names;
        foreach (var name in requested)
            if (!source.Names.Contains(name))
                throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", source.Names)}");
        return requested.Distinct().ToList();
    }

    public SoakSummary Run(CancellationToken cancel = default)
    {
        if (Options.Workers < 1 && Listen is null) throw new ArgumentException($"workers must be at least 1, got {Options.Workers}");
        using var store = CampaignStore.Open(Options, Scenarios, _warn, _settings);
        CurrentState = store.State;
        Opened?.Invoke();
        var system = Listen is { } at
            ? ActorSystem.Create(Cluster.ClusterConfig.SystemName, Cluster.ClusterConfig.For(at, at, Cluster.ClusterConfig.CoordinatorRole))
            : ActorSystem.Create("stressvm-soak", CampaignConfig.Local);
        try
        {
            var finished = new TaskCompletionSource<SoakSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
            IActorRef? exporter = ExportTrace is { } export ? system.ActorOf(TraceExportActor.Props(export, _warn), "trace-export") : null;
            var props = CampaignCoordinator.Props(store, Spec, exporter, _warn, finished);
            var coordinator = Listen is null ? system.ActorOf(props, "coordinator") : Cluster.CoordinatorNode.Start(system, props);
            if (Listen is { } listen) Listening?.Invoke($"campaign {Spec.CampaignId}: coordinator listening on {listen} (stressvm soak join {listen} --workers N)");
            var nodeDone = new TaskCompletionSource<NodeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(WorkerNode.Props(coordinator, Options.Workers, _ => _source, null, _warn, nodeDone, "local"), "workers");
            if (Display is { } d) system.ActorOf(ProgressActor.Props(coordinator, d.View, d.Every), "progress");
            using var registration = cancel.Register(() => coordinator.Tell(new StopCampaign(SoakStopReason.Cancelled)));
            var summary = finished.Task.GetAwaiter().GetResult();
            if (exporter is not null)
            {
                try { Exports = exporter.Ask<ExportsDone>(FlushExports.Instance, ExportDrainTimeout).GetAwaiter().GetResult(); }
                catch (Akka.Actor.AskTimeoutException) { _warn($"trace export still busy after {ExportDrainTimeout.TotalSeconds:0} s: the rest is not exported"); }
            }
            if (Display is { } last) last.View.Show(coordinator.Ask<SoakProgress>(GetProgress.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult());
            if (Listen is not null) Cluster.CoordinatorNode.LetWorkersGo(system, TimeSpan.FromSeconds(10));
            return summary;
        }
        finally
        {
            if (Listen is not null) CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(10));
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
        }
    }
}

using Akka.Actor;
using StressVm.Campaign.Protocol;
using StressVm.Campaign.Workers;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Cluster;

/// <summary>
/// `stressvm soak join HOST:PORT`: a worker node. Joins the coordinator's cluster, says hello to the coordinator
/// singleton, builds its workers from the campaign spec it gets back and pulls chunks until the session ends. When
/// the coordinator is lost (killed, restarted from its journal), the split brain resolver downs this side; the node
/// then starts a fresh actor system and joins again, refusing a coordinator that now runs another campaign.
/// </summary>
public sealed class WorkerNodeHost(Endpoint coordinator, Endpoint bind, int workers, Func<CampaignSpec, IScenarioSource> sourceFor, Action<string> say, Action<string> warn)
{
    /// <summary>How long to wait before joining again after losing the coordinator.</summary>
    public TimeSpan RejoinDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The split brain resolver's stable-after (shorter in tests).</summary>
    public TimeSpan? StableAfter { get; init; }

    /// <summary>Runs until the campaign's session ends (0), the coordinator refuses this node (2) or <paramref name="cancel"/>.</summary>
    public int Run(CancellationToken cancel)
    {
        string? campaign = null;
        string name = $"{Environment.MachineName}/{Environment.ProcessId}";
        while (!cancel.IsCancellationRequested)
        {
            var system = ActorSystem.Create(ClusterConfig.SystemName, ClusterConfig.For(bind, coordinator, ClusterConfig.WorkerRole, StableAfter));
            var stop = new StopSignal();
            // A downed node's workers end their simulation before the system goes (they take no message mid-chunk).
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-workers", () =>
            {
                stop.Set();
                return Task.FromResult(Akka.Done.Instance);
            });
            var done = new TaskCompletionSource<NodeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            var proxy = CoordinatorNode.Proxy(system);
            // The coordinator said the session is over: its node leaving next is the end, not a loss to rejoin after.
            var sessionEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(WorkerNode.Props(proxy, workers, sourceFor, campaign, warn, done, name, stop, id =>
            {
                if (campaign is null) say($"joined campaign {id} at {coordinator} with {workers} worker(s)");
                else say($"rejoined campaign {id} at {coordinator}");
                campaign = id;
            }, () => sessionEnded.TrySetResult()), "workers");
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new CoordinatorWatch(lost)), "coordinator-watch");
            using var reg = cancel.Register(() => done.TrySetResult(new NodeOutcome(true, null)));
            int which = Task.WaitAny(done.Task, system.WhenTerminated, lost.Task);
            if (which != 0 && sessionEnded.Task.IsCompleted) which = 0; // the coordinator ended the session and left
            if (which == 0)
            {
                var outcome = done.Task.IsCompleted ? done.Task.Result : new NodeOutcome(true, null);
                stop.Set();
                CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(15));
                system.WhenTerminated.Wait(TimeSpan.FromSeconds(15));
                if (outcome.Refusal is { } why)
                {
                    warn($"refused by the coordinator at {coordinator}: {why}");
                    return 2;
                }
                say(cancel.IsCancellationRequested ? "stopped" : "the campaign's session ended");
                return 0;
            }
            stop.Set();
            say($"lost the coordinator at {coordinator}; joining again (its chunks in flight here go back to its queue)");
            CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(15));
            system.WhenTerminated.Wait(TimeSpan.FromSeconds(15));
            cancel.WaitHandle.WaitOne(RejoinDelay);
        }
        return 0;
    }

    /// <summary>Completes <c>lost</c> when a coordinator node leaves the cluster or this node is removed from it.</summary>
    private sealed class CoordinatorWatch : ReceiveActor
    {
        public CoordinatorWatch(TaskCompletionSource lost)
        {
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(m =>
            {
                if (m.Member.HasRole(ClusterConfig.CoordinatorRole) || m.Member.UniqueAddress.Equals(cluster.SelfUniqueAddress)) lost.TrySetResult();
            });
            Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(_ => { });
            Receive<Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => { });
            cluster.Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
        }
    }
}

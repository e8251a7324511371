using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace StressVm.Campaign.Cluster;

/// <summary>The coordinator as a cluster singleton on the node that holds the state directory.</summary>
public static class CoordinatorNode
{
    /// <summary>Starts the singleton's manager and returns a proxy to it (what local workers and the display talk to).</summary>
    public static IActorRef Start(ActorSystem system, Props coordinator)
    {
        system.ActorOf(ClusterSingletonManager.Props(coordinator, PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(ClusterConfig.CoordinatorRole).WithSingletonName("singleton")), ClusterConfig.ManagerName);
        return Proxy(system);
    }

    public static IActorRef Proxy(ActorSystem system) =>
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{ClusterConfig.ManagerName}",
            ClusterSingletonProxySettings.Create(system).WithRole(ClusterConfig.CoordinatorRole).WithSingletonName("singleton")), "coordinator-proxy");

    /// <summary>
    /// Waits (at most <paramref name="budget"/>) until the worker nodes, told the session is over (StopWork), have left
    /// the cluster, so that they see the end before they see this node go; unreachable ones are not waited for.
    /// </summary>
    public static void LetWorkersGo(ActorSystem system, TimeSpan budget)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var until = DateTime.UtcNow + budget;
        while (DateTime.UtcNow < until)
        {
            var state = cluster.State;
            bool others = state.Members.Any(m => !m.UniqueAddress.Equals(cluster.SelfUniqueAddress)
                && m.Status is Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp or Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.Leaving
                && !state.Unreachable.Contains(m));
            if (!others) return;
            Thread.Sleep(100);
        }
    }
}

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

    /// <summary>Gives the worker nodes a moment to get the session's end (StopWork) before this node leaves.</summary>
    public static void LetWorkersGo(ActorSystem system) => Thread.Sleep(TimeSpan.FromSeconds(1));
}

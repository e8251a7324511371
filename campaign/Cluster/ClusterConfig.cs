

namespace StressVm.Campaign.Cluster;

/// <summary>
/// The Akka.Cluster part of a campaign node's configuration. The coordinator node is the only seed and the only node
/// with the "coordinator" role (the singleton lives there). Split brain resolver keep-oldest with that role: when the
/// coordinator is unreachable, the worker nodes down themselves, start a fresh actor system and join again (the
/// coordinator restarted from its journal, or once it is back); when a worker node is unreachable, the coordinator
/// downs it and its chunks go back to the queue.
/// </summary>
public static class ClusterConfig
{
    public const string SystemName = "stressvm";
    public const string CoordinatorRole = "coordinator";
    public const string WorkerRole = "worker";

    /// <summary>The coordinator singleton's manager, at /user/coordinator on the coordinator node.</summary>
    public const string ManagerName = "coordinator";

    public static Akka.Configuration.Config For(Endpoint bind, Endpoint seed, string role, TimeSpan? stableAfter = null) =>
        Akka.Configuration.ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp {
              hostname = "{{bind.Host}}"
              port = {{bind.Port}}
              # A minimized schedule travels in one message.
              maximum-frame-size = 8388608b
              send-buffer-size = 8388608b
              receive-buffer-size = 8388608b
            }
            # A worker node started before its coordinator (or while it restarts) tries again within a second or two,
            # not after Akka's default 5 s gate and 5 s join timeout.
            akka.remote.retry-gate-closed-for = 1s
            akka.cluster {
              seed-nodes = ["akka.tcp://{{SystemName}}@{{seed.Host}}:{{seed.Port}}"]
              roles = ["{{role}}"]
              seed-node-timeout = 2s
              downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
              split-brain-resolver {
                active-strategy = keep-oldest
                # How long membership must be stable before the resolver downs the unreachable side.
                stable-after = {{(int)(stableAfter ?? TimeSpan.FromSeconds(5)).TotalMilliseconds}}ms
                keep-oldest {
                  role = "{{CoordinatorRole}}"
                  down-if-alone = off
                }
              }
              singleton.role = "{{CoordinatorRole}}"
              singleton-proxy.role = "{{CoordinatorRole}}"
              # Results sent while the coordinator is away wait here (and are lost with it: the journal re-runs those chunks).
              singleton-proxy.buffer-size = 10000
              run-coordinated-shutdown-when-down = on
            }
            """).WithFallback(CampaignConfig.Local);
}

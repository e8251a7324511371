using System.Runtime.CompilerServices;
using StressVm.Runtime;
using StressVm.Runtime.Samples;
using StressVm.Runtime.TestKit;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>Two clients take two locks in opposite orders: some schedule deadlocks, and the report names both waiters.</summary>
public class DeadlockTests
{
    private sealed class TwoLockClient : Actor
    {
        private readonly ActorRef _first, _second;
        public TwoLockClient(ActorRef first, ActorRef second)
        {
            _first = first;
            _second = second;
            ReceiveAsync<Go>(Run);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask Run(Go _)
        {
            await Ask<Granted>(_first, Acquire.Instance);
            await Ask<Granted>(_second, Acquire.Instance);
            _second.Tell(Release.Instance, Self);
            _first.Tell(Release.Instance, Self);
        }

        protected internal override void PreStart() => Self.Tell(Go.Instance, Self);
        protected internal override bool TryReset() => true;
    }

    private static ActorSystem Build()
    {
        var sys = new ActorSystem();
        var l1 = sys.ActorOf(Props.Create(() => new LockActor()), "lock1");
        var l2 = sys.ActorOf(Props.Create(() => new LockActor()), "lock2");
        sys.ActorOf(Props.Create(() => new TwoLockClient(l1, l2)), "client1");
        sys.ActorOf(Props.Create(() => new TwoLockClient(l2, l1)), "client2");
        return sys;
    }

    [Fact]
    public void LockOrderInversionIsReportedAsADeadlockNamingBothWaiters()
    {
        var sys = Build();
        var (schedules, r) = SimulationKit.FirstFailing(sys, new RandomStrategy(), 0, 50, x => x.Outcome == Outcome.Deadlock);
        Assert.NotNull(r);
        r!.ExpectDeadlock();
        var d = r.Deadlock!;
        Assert.Equal(2, d.Waiters.Count);
        Assert.Contains(d.Waiters, w => w is { Waiter: "client1", WaitsFor: "lock2", HeldBy: "client2", Request: "Acquire" });
        Assert.Contains(d.Waiters, w => w is { Waiter: "client2", WaitsFor: "lock1", HeldBy: "client1", Request: "Acquire" });
        Assert.Equal(3, d.Cycle.Count);
        Assert.Equal(d.Cycle[0], d.Cycle[^1]);
        Assert.Contains("client1", d.Cycle);
        Assert.Contains("client2", d.Cycle);
    }

    [Fact]
    public void SomeSchedulesOfTheSameSystemComplete()
    {
        var sys = Build();
        var (_, r) = SimulationKit.FirstFailing(sys, new RandomStrategy(), 0, 50, x => x.Outcome == Outcome.Completed);
        Assert.NotNull(r);
    }
}

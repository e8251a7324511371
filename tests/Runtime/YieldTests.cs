using System.Runtime.CompilerServices;
using StressVm.Runtime;
using StressVm.Runtime.Samples;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>
/// A spinner polls a flag that a setter raises. PCT gives one of them the higher priority; when that is the
/// spinner, it starves the setter into the step budget (a false livelock) unless it yields while it spins.
/// </summary>
public class YieldTests
{
    private sealed record Poll;
    private sealed record Raise;
    private sealed record Flag(bool Up);

    private sealed class FlagActor : Actor
    {
        private bool _up;
        public FlagActor()
        {
            Receive<Poll>(_ => Sender.Tell(new Flag(_up), Self));
            Receive<Raise>(_ => _up = true);
        }
        protected internal override bool TryReset() { _up = false; return true; }
    }

    private sealed class Spinner(ActorRef flag, bool yields) : Actor
    {
        protected internal override void PreStart() => Self.Tell(Go.Instance, Self);
        protected internal override bool TryReset() => true;

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask Spin(Go _)
        {
            while (!(await Ask<Flag>(flag, new Poll())).Up)
                if (yields) Yield();
        }

        public Spinner Init()
        {
            ReceiveAsync<Go>(Spin);
            return this;
        }
    }

    private sealed class Setter(ActorRef flag) : Actor
    {
        protected internal override void PreStart() => Self.Tell(Go.Instance, Self);
        protected internal override bool TryReset() => true;
        public Setter Init()
        {
            Receive<Go>(_ => flag.Tell(new Raise(), Self));
            return this;
        }
    }

    private static int BudgetRuns(bool yields)
    {
        var sys = new ActorSystem(maxSteps: 2_000);
        var flag = sys.ActorOf(Props.Create(() => new FlagActor()), "flag");
        sys.ActorOf(Props.Create(() => new Spinner(flag, yields).Init()), "spinner");
        sys.ActorOf(Props.Create(() => new Setter(flag).Init()), "setter");
        int budget = 0;
        var pct = new PctStrategy(1, 10); // fixed priorities: the setter starves when it is lowest
        for (ulong seed = 0; seed < 300; seed++)
        {
            var r = sys.Run(pct, seed);
            if (r.Outcome == Outcome.StepBudget) budget++;
            else Assert.Equal(Outcome.Completed, r.Outcome);
        }
        return budget;
    }

    [Fact]
    public void WithoutAYieldPctStarvesTheSetterInSomeSchedules() => Assert.InRange(BudgetRuns(yields: false), 60, 200); // measured: 93 of 300

    [Fact]
    public void AYieldingSpinnerNeverStarvesItUnderPct() => Assert.Equal(0, BudgetRuns(yields: true));
}

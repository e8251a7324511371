using System.Runtime.CompilerServices;
using StressVm.Runtime;
using StressVm.Runtime.Samples;
using StressVm.Runtime.TestKit;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>An interrupt reaches an actor suspended in an Ask, unless it masked interrupts (a CPU with IRQs off).</summary>
public class InterruptTests
{
    private sealed record Ipi;
    private sealed record Open;

    /// <summary>Answers an Acquire only once it is told Open.</summary>
    private sealed class Gate : Actor
    {
        private ActorRef _waiter = ActorRef.Nobody;
        private bool _open;
        public Gate()
        {
            Receive<Acquire>(_ => { if (_open) Sender.Tell(Granted.Instance, Self); else _waiter = Sender; });
            Receive<Open>(_ => { _open = true; if (!_waiter.IsNobody) _waiter.Tell(Granted.Instance, Self); });
        }
    }

    /// <summary>Waits at the gate; its IPI handler opens the gate, as a CPU acks a flush while it waits.</summary>
    private sealed class Cpu : Actor
    {
        private readonly ActorRef _gate;
        private readonly bool _mask;
        public readonly List<string> Log = new();
        public Cpu(ActorRef gate, bool mask)
        {
            _gate = gate;
            _mask = mask;
            ReceiveAsync<Go>(Run);
            Receive<Ipi>(_ =>
            {
                Log.Add(IsSuspended ? "ipi-while-suspended" : "ipi");
                _gate.Tell(new Open(), Self);
            });
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask Run(Go _)
        {
            if (_mask) MaskInterrupts();
            await Ask<Granted>(_gate, Acquire.Instance);
            Log.Add("granted");
            if (_mask) UnmaskInterrupts();
        }

        protected internal override void PreStart() => Self.Tell(Go.Instance, Self);
    }

    /// <summary>Sends the IPI once the cpu is waiting (its Acquire reached the gate first).</summary>
    private sealed class Sender2 : Actor
    {
        public Sender2(Func<ActorRef> cpu) => Receive<Go>(_ => cpu().TellInterrupt(new Ipi()));
    }

    private static (ActorSystem, Func<Cpu>) Build(bool mask)
    {
        var sys = new ActorSystem(maxSteps: 100);
        var gate = sys.ActorOf(Props.Create(() => new Gate()), "gate");
        var cpu = sys.ActorOf(Props.Create(() => new Cpu(gate, mask)), "cpu0");
        var ipiSender = sys.ActorOf(Props.Create(() => new Sender2(() => cpu)), "cpu1");
        return (sys, () => (Cpu)sys.ActorAt(cpu.Id));
    }

    // The cpu steps first (Go), then the gate takes Acquire, then cpu1 sends the IPI: pinned by a schedule.
    private static Schedule Order(params string[] names) =>
        new(names.Select(n => new Choice(ChoiceKind.Actor, n switch { "gate" => 0, "cpu0" => 1, _ => 2 }, 0, n)).ToList(),
            new Dictionary<string, string>());

    [Fact]
    public void InterruptReachesASuspendedActor()
    {
        var (sys, cpu) = Build(mask: false);
        var r = sys.Run(new ReplayStrategy(Order("cpu0", "gate", "cpu1", "cpu0", "gate", "cpu0"), strict: false), 0,
            s => s.Find("cpu1")!.Value.Tell(Go.Instance));
        r.ExpectCompleted();
        Assert.Equal(new[] { "ipi-while-suspended", "granted" }, cpu().Log);
    }

    [Fact]
    public void MaskedInterruptsWaitAndTheWaitIsADeadlock()
    {
        var (sys, cpu) = Build(mask: true);
        var r = sys.Run(new ReplayStrategy(Order("cpu0", "gate", "cpu1"), strict: false), 0,
            s => s.Find("cpu1")!.Value.Tell(Go.Instance));
        r.ExpectDeadlock();
        Assert.Empty(cpu().Log);
        Assert.Contains(r.Deadlock!.Waiters, w => w.Waiter == "cpu0" && w.WaitsFor == "gate");
    }

    [Fact]
    public void InEveryScheduleTheUnmaskedCpuGetsThrough()
    {
        var (sys, cpu) = Build(mask: false);
        for (ulong seed = 0; seed < 200; seed++)
        {
            sys.Run(new RandomStrategy(), seed, s => s.Find("cpu1")!.Value.Tell(Go.Instance)).ExpectCompleted();
            Assert.Contains("granted", cpu().Log);
        }
    }
}

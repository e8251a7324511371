using StressVm.Runtime;
using Xunit;

namespace StressVm.Tests.Verify;

/// <summary>
/// An interrupt runs before a pending reply or message, so posting one does not commute with a reply or a message
/// to the same actor: in one order the actor resumes (or takes the message) before the interrupt exists. The actors
/// here are private (messages only), so nothing but the posts' own footprints orders them: DPOR must reach both
/// orders naive enumeration reaches (the kernel's case: a lock grant or a cond_resched reply to a CPU against a
/// TLB-flush IPI to it). Without Footprint.Wakeup the note case fails here; the reply case happens to pass in
/// this toy's search order, and fails in KernelReductionTests' small-dax-fsync.
/// </summary>
public class InterruptOrderTests
{
    private sealed record Go;
    private sealed record Question;
    private sealed record Answer;
    private sealed record Irq;
    private sealed record Note;

    /// <summary>Asks the server when <see cref="Asks"/>, and logs what it handled, in order.</summary>
    private sealed class Client : Actor
    {
        public readonly List<string> Log = new();
        public ActorRef Server;
        public bool Asks;

        public Client()
        {
            ReceiveAsync<Go>(async _ =>
            {
                await Ask<Answer>(Server, new Question());
                Log.Add("reply");
            });
            Receive<Irq>(_ => Log.Add("irq"));
            Receive<Note>(_ => Log.Add("note"));
        }

        protected internal override void PreStart()
        {
            if (Asks) Self.Tell(new Go(), Self);
        }

        protected internal override bool TryReset() { Log.Clear(); return true; }
        protected internal override bool StateIsPrivate => true;
    }

    private sealed class Server : Actor
    {
        public Server() => Receive<Question>(_ => Sender.Tell(new Answer(), Self));
        protected internal override bool TryReset() => true;
        protected internal override bool StateIsPrivate => true;
    }

    /// <summary>In its first step, sends the client an interrupt or a plain note.</summary>
    private sealed class Poster : Actor
    {
        public ActorRef Target;
        public bool Interrupt;

        public Poster() => Receive<Go>(_ =>
        {
            if (Interrupt) Target.TellInterrupt(new Irq());
            else Target.Tell(new Note(), Self);
        });

        protected internal override void PreStart() => Self.Tell(new Go(), Self);
        protected internal override bool TryReset() => true;
        protected internal override bool StateIsPrivate => true;
    }

    private sealed class Model : ISimulationModel
    {
        public Model(bool asks)
        {
            System = new ActorSystem(100);
            var client = new Client { Asks = asks };
            var c = System.ActorOf(Props.Create(() => client), "client");
            Client = client;
            if (asks)
            {
                client.Server = System.ActorOf(Props.Create(() => new Server()), "server");
                System.ActorOf(Props.Create(() => new Poster { Target = c, Interrupt = true }), "irq");
            }
            else
            {
                System.ActorOf(Props.Create(() => new Poster { Target = c, Interrupt = true }), "irq");
                System.ActorOf(Props.Create(() => new Poster { Target = c, Interrupt = false }), "note");
            }
        }

        public Client Client { get; }
        public string Name => "interrupt-order";
        public ActorSystem System { get; }
        public Action<ActorSystem>? PrepareRun(ulong seed) => null;
    }

    private static SortedSet<string> Ends(bool asks, bool reduction)
    {
        var m = new Model(asks);
        var ends = new SortedSet<string>(StringComparer.Ordinal);
        var r = DporExplorer.Verify(m, new DporOptions { Reduction = reduction }, onRun: (run, _) =>
        {
            if (run.Outcome != Outcome.Abandoned) ends.Add($"{run.Outcome} {string.Join(",", m.Client.Log)}");
        });
        Assert.True(r.Exhaustive);
        return ends;
    }

    [Theory]
    [InlineData(true, "Completed irq,reply", "Completed reply,irq")]
    [InlineData(false, "Completed irq,note", "Completed note,irq")]
    public void BothOrdersOfAnInterruptAndAReplyOrMessageAreExplored(bool asks, string one, string other)
    {
        var naive = Ends(asks, reduction: false);
        Assert.Equal(new[] { one, other }.Order(StringComparer.Ordinal), naive);
        Assert.Equal(naive, Ends(asks, reduction: true));
    }
}

using StressVm.Runtime;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>PerActor delivers a mailbox in arrival order; PerSender lets senders overtake each other, never themselves.</summary>
public class MailboxOrderTests
{
    private sealed record Msg(string Name);

    private sealed class Recorder : Actor
    {
        public readonly List<string> Order = new();
        public Recorder() => Receive<Msg>(m => Order.Add(m.Name));
        protected internal override bool TryReset() { Order.Clear(); return true; }
    }

    private sealed class Sender2(ActorRef to, string name) : Actor
    {
        protected internal override void PreStart()
        {
            to.Tell(new Msg(name + "1"), Self);
            to.Tell(new Msg(name + "2"), Self);
        }
        protected internal override bool TryReset() => true;
        public Sender2 Init() { Receive<Msg>(_ => { }); return this; }
    }

    private static (ActorSystem, Recorder) Build(MailboxOrder order)
    {
        var sys = new ActorSystem { MailboxOrder = order };
        var r = sys.ActorOf(Props.Create(() => new Recorder()), "recorder");
        sys.ActorOf(Props.Create(() => new Sender2(r, "a").Init()), "a");
        sys.ActorOf(Props.Create(() => new Sender2(r, "b").Init()), "b");
        return (sys, (Recorder)sys.ActorAt(r.Id));
    }

    private static HashSet<string> Orders(MailboxOrder order)
    {
        var (sys, rec) = Build(order);
        var seen = new HashSet<string>();
        for (ulong seed = 0; seed < 300; seed++)
        {
            Assert.Equal(Outcome.Completed, sys.Run(new RandomStrategy(), seed).Outcome);
            string o = string.Join(",", rec.Order);
            Assert.True(o.IndexOf("a1") < o.IndexOf("a2") && o.IndexOf("b1") < o.IndexOf("b2"), o);
            seen.Add(o);
        }
        return seen;
    }

    [Fact]
    public void PerActorKeepsArrivalOrder() => Assert.Equal(["a1,a2,b1,b2"], Orders(MailboxOrder.PerActor));

    [Fact]
    public void PerSenderExploresEveryMergeOfTheSendersQueues() => Assert.Equal(6, Orders(MailboxOrder.PerSender).Count);

    [Fact]
    public void PerSenderChoicesAreRecordedAndReplayed()
    {
        var (sys, rec) = Build(MailboxOrder.PerSender);
        var first = sys.Run(new RandomStrategy(), 11);
        string order = string.Join(",", rec.Order);
        var schedule = Schedule.Parse(sys.RecordedSchedule().ToText());
        Assert.Contains(schedule.Choices, c => c.Kind == ChoiceKind.Value);
        var again = sys.Run(new ReplayStrategy(schedule, nameOf: sys.NameOf), 11);
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal(order, string.Join(",", rec.Order));
    }
}

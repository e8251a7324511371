using StressVm.Runtime;
using StressVm.Runtime.Samples;
using StressVm.Runtime.TestKit;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>The probe records arrivals in order, and its expectations fail when they should.</summary>
public class TestKitTests
{
    [Fact]
    public void ProbeSeesPongsInOrderAndNothingMore()
    {
        var sys = new ActorSystem();
        var probe = sys.ActorOf(Props.Create(() => new TestProbe()), "probe");
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        SimulationKit.RunToQuiescence(sys, new RandomStrategy(), 1, s =>
        {
            ponger.Tell(Ping.Instance, probe);
            ponger.Tell(Ping.Instance, probe);
        }).ExpectCompleted();
        var p = (TestProbe)sys.ActorAt(probe.Id);
        p.ExpectMsg<Pong>();
        p.ExpectMsg<Pong>();
        p.ExpectNoMsg();
        Assert.Throws<TestKitException>(() => p.ExpectMsg<Pong>());
    }

    [Fact]
    public void ProbeAnswersAsksWhenToldTo()
    {
        var sys = new ActorSystem();
        var probe = sys.ActorOf(Props.Create(() => new TestProbe(m => m is Ping ? Pong.Instance : null)), "probe");
        var asker = sys.ActorOf(Props.Create(() => new AskPinger(probe, 3)), "asker");
        SimulationKit.RunToQuiescence(sys, new RandomStrategy(), 2).ExpectCompleted();
        Assert.Equal(3, ((AskPinger)sys.ActorAt(asker.Id)).Answered);
        var p = (TestProbe)sys.ActorAt(probe.Id);
        p.ExpectMsg<Ping>(); p.ExpectMsg<Ping>(); p.ExpectMsg<Ping>(); p.ExpectNoMsg();
        Assert.Throws<TestKitException>(() => SimulationKit.ExpectViolation(sys.Run(new RandomStrategy(), 2), "x"));
    }

    [Fact]
    public void ModelExceptionIsAnInternalErrorNamingTheActor()
    {
        var sys = new ActorSystem();
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        var r = sys.Run(new RandomStrategy(), 0, s => ponger.Tell("not a ping"));
        Assert.Equal(Outcome.InternalError, r.Outcome);
        Assert.Contains("ponger", r.Error);
        Assert.Contains("no handler for String", r.Error);
    }

    [Fact]
    public void StepBudgetEndsAnEndlessRun()
    {
        var sys = new ActorSystem(maxSteps: 500);
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        sys.ActorOf(Props.Create(() => new TellPinger(ponger, int.MaxValue)), "pinger");
        var r = sys.Run(new RandomStrategy(), 0);
        Assert.Equal(Outcome.StepBudget, r.Outcome);
        Assert.Equal(500, r.Steps);
    }

    [Fact]
    public void AnUnrecordedLongRunCountsAndFingerprintsWithoutStoringSteps()
    {
        var sys = new ActorSystem(maxSteps: 5_000, recordTrace: false);
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        sys.ActorOf(Props.Create(() => new TellPinger(ponger, 2_000)), "pinger");
        var a = sys.Run(new RandomStrategy(), 1).ExpectCompleted();
        Assert.Equal(4_000, a.Steps);
        Assert.Equal(0, sys.Trace.Steps.Length);
        var b = sys.Run(new RandomStrategy(), 1).ExpectCompleted(); // the reset after a long unrecorded run
        Assert.Equal(a.Fingerprint, b.Fingerprint);
    }
}

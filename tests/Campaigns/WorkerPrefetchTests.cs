using Akka.Actor;
using Akka.TestKit.Xunit2;
using StressVm.Campaign;
using StressVm.Campaign.Protocol;
using StressVm.Campaign.Workers;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Soak;
using Xunit;

namespace StressVm.Tests.Campaigns;

/// <summary>
/// The worker's side of the one-chunk prefetch, a real <see cref="WorkerActor"/> against a TestProbe coordinator:
/// it asks ahead before it runs a chunk, gives back unrun a chunk that arrives once the session stops, and a restarted
/// worker drops the answer to an ask of its crashed incarnation (the coordinator took that grant back).
/// </summary>
public class WorkerPrefetchTests() : TestKit(CampaignConfig.Local)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IActorRef Worker(Akka.TestKit.TestProbe coordinator, IScenarioSource source, StopSignal stop, out CampaignSpec spec, params string[] scenarios)
    {
        var options = CampaignKit.Options(SoakTestKit.NewStateDirectory(), null, scenarios);
        spec = CampaignIdentity.Spec(options, scenarios, new StressVm.Scenarios.RunSettings());
        // A child of the test actor: its WorkerIdle reaches TestActor, and a throw restarts it (as WorkerNode does).
        return ChildActorOf(WorkerActor.Props(coordinator.Ref, spec, CampaignIdentity.WorkerOptions(spec, 1), source, 0, stop),
            new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false));
    }

    private static Work Grant(CampaignSpec spec, RequestWork ask, string scenario, long chunk) => new()
    {
        CampaignId = spec.CampaignId, Scenario = scenario, Chunk = chunk, Seeds = CampaignKit.ChunkSize, Request = ask.Request,
    };

    [Fact]
    public void AWorkerAsksAheadBeforeItRunsAndGivesBackAChunkThatArrivesAfterTheStop()
    {
        var coordinator = CreateTestProbe();
        var stop = new StopSignal();
        Worker(coordinator, SoakTestKit.Source, stop, out var spec, SoakTestKit.Clean);
        var ask1 = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.False(ask1.Ahead); // idle, holding nothing
        coordinator.Reply(Grant(spec, ask1, SoakTestKit.Clean, 0));
        // The ask ahead comes before the chunk's result: the next chunk is granted while this one runs.
        var ask2 = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.True(ask2.Ahead);
        Assert.NotEqual(ask1.Request, ask2.Request);
        coordinator.Reply(Grant(spec, ask2, SoakTestKit.Clean, 1));
        Assert.Equal(0, coordinator.ExpectMsg<ChunkDone>(Wait).Chunk);
        var ask3 = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.True(ask3.Ahead);
        var done = coordinator.ExpectMsg<ChunkDone>(Wait);
        Assert.Equal((1L, (long)CampaignKit.ChunkSize), (done.Chunk, done.Schedules));

        // The session stops; the chunk granted ahead arrives after: given back unrun, then the worker is idle.
        stop.Set();
        coordinator.Reply(Grant(spec, ask3, SoakTestKit.Clean, 2));
        var back = coordinator.ExpectMsg<ChunkAbandoned>(Wait);
        Assert.Equal((2L, 0L), (back.Chunk, back.Schedules));
        ExpectMsg<WorkerIdle>(Wait);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void AnAnswerAheadToACrashedWorkerIsDroppedByItsFreshInstance()
    {
        const ulong crash = 3; // in chunk 0 (seeds 1-20)
        var coordinator = CreateTestProbe();
        Worker(coordinator, CampaignKit.SourceWithCrash(crash), new StopSignal(), out var spec, "prepare-crash");
        var ask1 = coordinator.ExpectMsg<RequestWork>(Wait);
        coordinator.Reply(Grant(spec, ask1, "prepare-crash", 0));
        var ahead = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.True(ahead.Ahead);
        var crashed = coordinator.ExpectMsg<WorkerCrashed>(Wait); // the coordinator takes back all it held
        Assert.Equal((0L, crash), (crashed.Chunk, crashed.Seed));
        var fresh = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.False(fresh.Ahead);
        Assert.True(fresh.Request > ahead.Request); // numbered on across the restart
        // The grant ahead answers the crashed instance's ask: dropped, never run.
        coordinator.Send(coordinator.LastSender, Grant(spec, ahead, "prepare-crash", 1));
        coordinator.Send(coordinator.LastSender, Grant(spec, fresh, "prepare-crash", 2));
        Assert.True(coordinator.ExpectMsg<RequestWork>(Wait).Ahead);
        Assert.Equal(2, coordinator.ExpectMsg<ChunkDone>(Wait).Chunk);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}

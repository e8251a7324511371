using Akka.Actor;
using Akka.TestKit.Xunit2;
using StressVm.Campaign;
using StressVm.Campaign.Coordinator;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Soak;
using Xunit;

namespace StressVm.Tests.Campaigns;

/// <summary>
/// The coordinator-worker protocol with TestProbes as workers: work pulling, a lost worker, a result delivered twice,
/// a coordinator restarted from its journal, refusals. No timing is asserted: every wait is generous and ends on a message.
/// </summary>
public class CoordinatorProtocolTests() : TestKit(CampaignConfig.Local)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private IActorRef Coordinator(SoakOptions options, out CampaignSpec spec, out StressVm.Campaign.Store.CampaignStore store)
    {
        (store, spec) = CampaignKit.Open(options);
        return Sys.ActorOf(CampaignCoordinator.Props(store, spec));
    }

    /// <summary>Waits until the coordinator processed everything told before (a local mailbox keeps the order of Tells).</summary>
    private void Sync(IActorRef coordinator) => coordinator.Ask<SoakProgress>(GetProgress.Instance, Wait).Wait(Wait);

    [Fact]
    public void AnIdleWorkerPullsTheLowestChunksInRotation()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var c = Coordinator(CampaignKit.Options(dir, null, SoakTestKit.Clean, SoakTestKit.OneBug), out var spec, out var store);
        using var _ = store;
        var w = CreateTestProbe();
        var got = new List<(string, long)>();
        for (int i = 0; i < 4; i++)
        {
            c.Tell(new RequestWork { CampaignId = spec.CampaignId }, w.Ref);
            var work = w.ExpectMsg<Work>(Wait);
            got.Add((work.Scenario, work.Chunk));
            Assert.Equal(CampaignKit.ChunkSize, work.Seeds);
            c.Tell(CampaignKit.Done(spec, work), w.Ref);
        }
        Assert.Equal(new List<(string, long)> { (SoakTestKit.Clean, 0L), (SoakTestKit.OneBug, 0L), (SoakTestKit.Clean, 1L), (SoakTestKit.OneBug, 1L) }, got);
    }

    [Fact]
    public void ALostWorkersChunkGoesToTheNextWorker()
    {
        string dir = SoakTestKit.NewStateDirectory();
        // A budget of one chunk: the second worker can only ever get the chunk the first one took.
        var c = Coordinator(CampaignKit.Options(dir, CampaignKit.ChunkSize, SoakTestKit.Clean), out var spec, out var store);
        using var _ = store;
        var lost = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId }, lost.Ref);
        var taken = lost.ExpectMsg<Work>(Wait);
        Watch(lost.Ref);
        Sys.Stop(lost.Ref);
        ExpectTerminated(lost.Ref, Wait);

        var next = CreateTestProbe();
        Work? again = null;
        for (int i = 0; i < 200 && again is null; i++)
        {
            c.Tell(new RequestWork { CampaignId = spec.CampaignId }, next.Ref);
            var reply = next.ExpectMsg<object>(Wait);
            if (reply is Work w) again = w;
            else Assert.False(Assert.IsType<NoWork>(reply).Over); // not yet taken back: ask again
            if (again is null) Thread.Sleep(50);
        }
        Assert.NotNull(again);
        Assert.Equal((taken.Scenario, taken.Chunk, taken.Seeds), (again!.Scenario, again.Chunk, again.Seeds));
        c.Tell(CampaignKit.Done(spec, again), next.Ref);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId }, next.Ref);
        Assert.True(next.ExpectMsg<NoWork>(Wait).Over);
        Assert.Equal(1, store.State.DoneChunks);
    }

    [Fact]
    public void AWorkerGetsOneChunkAheadNeverTwo()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var c = Coordinator(CampaignKit.Options(dir, null, SoakTestKit.Clean), out var spec, out var store);
        using var _ = store;
        var w = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Request = 1 }, w.Ref);
        var running = w.ExpectMsg<Work>(Wait);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 2 }, w.Ref);
        var ahead = w.ExpectMsg<Work>(Wait);
        Assert.Equal((1L, 2L), (running.Request, ahead.Request)); // each answer names its ask
        Assert.NotEqual(running.Chunk, ahead.Chunk);
        // A third while it holds two: none.
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 3 }, w.Ref);
        var none = w.ExpectMsg<NoWork>(Wait);
        Assert.Equal((3L, false), (none.Request, none.Over));
        // Once the first is done, it may have one ahead again: the next chunk, not one it holds.
        c.Tell(CampaignKit.Done(spec, running), w.Ref);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 4 }, w.Ref);
        var third = w.ExpectMsg<Work>(Wait);
        Assert.DoesNotContain(third.Chunk, new[] { running.Chunk, ahead.Chunk });
    }

    [Fact]
    public void APrefetchedChunkOfALostWorkerGoesBackToTheQueueAndIsCountedOnce()
    {
        string dir = SoakTestKit.NewStateDirectory();
        // A budget of two chunks: the next worker can only ever get the two the lost one held.
        var c = Coordinator(CampaignKit.Options(dir, 2 * CampaignKit.ChunkSize, SoakTestKit.Clean), out var spec, out var store);
        using var _ = store;
        var lost = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Request = 1 }, lost.Ref);
        var running = lost.ExpectMsg<Work>(Wait);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 2 }, lost.Ref);
        var prefetched = lost.ExpectMsg<Work>(Wait);
        Watch(lost.Ref);
        Sys.Stop(lost.Ref); // lost with one chunk running and one granted ahead, not started
        ExpectTerminated(lost.Ref, Wait);

        var next = CreateTestProbe();
        var got = new List<Work>();
        for (int i = 0; i < 200 && got.Count < 2; i++)
        {
            c.Tell(new RequestWork { CampaignId = spec.CampaignId, Request = 10 + i }, next.Ref);
            var reply = next.ExpectMsg<object>(Wait);
            if (reply is Work w)
            {
                got.Add(w);
                c.Tell(CampaignKit.Done(spec, w), next.Ref);
            }
            else
            {
                Assert.False(Assert.IsType<NoWork>(reply).Over); // not yet taken back: ask again
                Thread.Sleep(50);
            }
        }
        // Both go out again, in the order they were first granted.
        Assert.Equal(new[] { running.Chunk, prefetched.Chunk }, got.Select(w => w.Chunk));
        // The lost worker's result turns up after all (it was only unreachable): journaled, counted once.
        c.Tell(CampaignKit.Done(spec, running), lost.Ref);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Request = 99 }, next.Ref);
        Assert.True(next.ExpectMsg<NoWork>(Wait).Over);
        Assert.Equal(2, store.State.DoneChunks);
        Assert.Equal(2 * CampaignKit.ChunkSize, store.State.Schedules);
        Assert.Equal(1, store.State.DuplicateChunks);
    }

    [Fact]
    public void AStopWithAChunkAheadGivesItBackAndTheResumeRunsItFirstRepeatingNone()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = CampaignKit.Options(dir, null, SoakTestKit.Clean);
        var (store, spec) = CampaignKit.Open(options);
        var finished = new TaskCompletionSource<SoakSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var c = Sys.ActorOf(CampaignCoordinator.Props(store, spec, finished: finished));
        var w = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Request = 1 }, w.Ref);
        var first = w.ExpectMsg<Work>(Wait);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 2 }, w.Ref);
        var second = w.ExpectMsg<Work>(Wait);
        c.Tell(CampaignKit.Done(spec, first), w.Ref);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId, Ahead = true, Request = 3 }, w.Ref);
        var ahead = w.ExpectMsg<Work>(Wait);
        c.Tell(new StopCampaign(SoakStopReason.Cancelled));
        Sync(c);
        Assert.False(finished.Task.IsCompleted); // two chunks still out: the session waits for them
        // The worker finishes the one it runs and gives back the one it got ahead, unrun (WorkerActor does so).
        c.Tell(CampaignKit.Done(spec, second), w.Ref);
        c.Tell(new ChunkAbandoned { CampaignId = spec.CampaignId, Scenario = ahead.Scenario, Chunk = ahead.Chunk }, w.Ref);
        Assert.True(finished.Task.Wait(Wait));
        Assert.Equal(2 * CampaignKit.ChunkSize, finished.Task.Result.Schedules);
        Watch(c);
        Sys.Stop(c);
        ExpectTerminated(c, Wait);
        store.Dispose();

        var again = Coordinator(options with { MaxSchedules = 3 * CampaignKit.ChunkSize }, out var spec2, out var store2);
        using var _ = store2;
        Assert.Equal(2, store2.State.DoneChunks);
        var w2 = CreateTestProbe();
        var resumed = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            again.Tell(new RequestWork { CampaignId = spec2.CampaignId, Request = 1 + i }, w2.Ref);
            var work = w2.ExpectMsg<Work>(Wait);
            resumed.Add(work.Chunk);
            again.Tell(CampaignKit.Done(spec2, work), w2.Ref);
        }
        Assert.Equal(ahead.Chunk, resumed[0]); // the chunk given back runs first
        Assert.DoesNotContain(first.Chunk, resumed);
        Assert.DoesNotContain(second.Chunk, resumed);
        Sync(again);
        Assert.Equal(5, store2.State.DoneChunks);
        Assert.Equal(0, store2.State.DuplicateChunks);
    }

    [Fact]
    public void AChunkResultDeliveredTwiceIsCountedOnce()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var c = Coordinator(CampaignKit.Options(dir, null, SoakTestKit.Clean), out var spec, out var store);
        var w = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId }, w.Ref);
        var work = w.ExpectMsg<Work>(Wait);
        var done = CampaignKit.Done(spec, work);
        c.Tell(done, w.Ref);
        c.Tell(done, w.Ref); // resent after a reconnect, or a worker thought lost finished after all
        Sync(c);
        Assert.Equal(1, store.State.DoneChunks);
        Assert.Equal(CampaignKit.ChunkSize, store.State.Schedules);
        Assert.Equal(1, store.State.DuplicateChunks);
        Watch(c);
        Sys.Stop(c);
        ExpectTerminated(c, Wait);
        store.Dispose();

        // The journal keeps both as they arrived; its fold, and the report, count the chunk once.
        var report = SoakReport.FromDirectories([dir], _ => { });
        Assert.Equal(1, report.Chunks);
        Assert.Equal(1, report.DuplicateChunks);
        Assert.Equal(CampaignKit.ChunkSize, report.Schedules);
        using var json = System.Text.Json.JsonDocument.Parse(report.ToJson());
        Assert.Equal(1, json.RootElement.GetProperty("chunks").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("duplicateChunks").GetInt64());
    }

    [Fact]
    public void ARestartedCoordinatorResumesFromItsJournal()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = CampaignKit.Options(dir, null, SoakTestKit.Clean);
        var c = Coordinator(options, out var spec, out var store);
        var w = CreateTestProbe();
        c.Tell(new RequestWork { CampaignId = spec.CampaignId }, w.Ref);
        var first = w.ExpectMsg<Work>(Wait);
        c.Tell(CampaignKit.Done(spec, first), w.Ref);
        c.Tell(new RequestWork { CampaignId = spec.CampaignId }, w.Ref);
        var unfinished = w.ExpectMsg<Work>(Wait);
        var found = new FailureFound(SoakTestKit.Clean, "0123456789abcdef", "lost-update", (ulong)(first.Chunk * CampaignKit.ChunkSize + 1), "random", 7, "detail", "tail");
        c.Tell(found.ToWire(spec.CampaignId), w.Ref);
        Sync(c);
        Watch(c);
        Sys.Stop(c); // the coordinator goes away with a chunk out
        ExpectTerminated(c, Wait);
        store.Dispose();

        var again = Coordinator(options, out var spec2, out var store2);
        using var _ = store2;
        Assert.Equal(spec.CampaignId, spec2.CampaignId);
        Assert.Equal(CampaignKit.ChunkSize, store2.State.Schedules);
        Assert.Single(store2.State.Failures, f => f.Signature == found.Signature);
        var w2 = CreateTestProbe();
        again.Tell(new RequestWork { CampaignId = spec2.CampaignId }, w2.Ref);
        var resumed = w2.ExpectMsg<Work>(Wait);
        Assert.Equal(unfinished.Chunk, resumed.Chunk); // the chunk in flight at the stop runs first
        // The journaled signature is known: a worker finding it again adds no second entry.
        again.Tell(found.ToWire(spec2.CampaignId), w2.Ref);
        Sync(again);
        Assert.Single(store2.State.Failures);
    }

    [Fact]
    public void ANodeOfAnotherVersionOrCampaignIsRefusedWithAClearMessage()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var c = Coordinator(CampaignKit.Options(dir, null, SoakTestKit.Clean), out var spec, out var store);
        using var _ = store;
        var node = CreateTestProbe();
        c.Tell(new Hello { StressvmVersion = "0.0.1-other", ProtocolVersion = CampaignIdentity.ProtocolVersion, Node = "n1" }, node.Ref);
        var refused = node.ExpectMsg<Refused>(Wait);
        Assert.Contains("runs StressVm 0.0.1-other", refused.Reason);
        Assert.Contains("install the same version", refused.Reason);
        c.Tell(new Hello { CampaignId = "feedfacefeedface", StressvmVersion = CampaignIdentity.StressVmVersion, ProtocolVersion = CampaignIdentity.ProtocolVersion, Node = "n2" }, node.Ref);
        Assert.Contains("campaign feedfacefeedface", node.ExpectMsg<Refused>(Wait).Reason);
        c.Tell(new Hello { StressvmVersion = CampaignIdentity.StressVmVersion, ProtocolVersion = CampaignIdentity.ProtocolVersion, Node = "n3" }, node.Ref);
        Assert.Equal(spec.CampaignId, node.ExpectMsg<Welcome>(Wait).Spec.CampaignId);
        // Results of another campaign never reach the ledger.
        c.Tell(new ChunkDone { CampaignId = "feedfacefeedface", Scenario = SoakTestKit.Clean, Chunk = 0, Schedules = 20 }, node.Ref);
        Sync(c);
        Assert.Equal(0, store.State.DoneChunks);
    }
}

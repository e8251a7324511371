using System.Diagnostics;
using Akka.Actor;
using StressVm.Campaign;
using StressVm.Campaign.Coordinator;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Soak;
using Xunit;
using Xunit.Abstractions;

namespace StressVm.Tests.Campaigns;

/// <summary>
/// A measurement, not a speed assertion: the coordinator's message rate with 1,000 lightweight fake workers that
/// answer every chunk at once. Prints the figures (README, "Soak campaigns"); asserts only that every chunk was
/// counted once.
/// </summary>
[Trait("Category", "Measurement")]
public class CoordinatorLoadMeasurement(ITestOutputHelper output)
{
    private sealed class FakeWorker : ReceiveActor
    {
        public FakeWorker(IActorRef coordinator, string campaign)
        {
            Receive<Work>(w =>
            {
                coordinator.Tell(new ChunkDone { CampaignId = campaign, Scenario = w.Scenario, Chunk = w.Chunk, GlobalChunk = w.Chunk, Schedules = w.Seeds, Steps = w.Seeds }, Self);
                coordinator.Tell(new RequestWork { CampaignId = campaign }, Self);
            });
            Receive<NoWork>(_ => { });
            coordinator.Tell(new RequestWork { CampaignId = campaign }, Self);
        }
    }

    [Fact]
    public void OneThousandFakeWorkers()
    {
        const int workers = 1000, chunks = 2000;
        string dir = SoakTestKit.NewStateDirectory();
        var (store, spec) = CampaignKit.Open(CampaignKit.Options(dir, (long)chunks * CampaignKit.ChunkSize, SoakTestKit.Clean));
        using var _ = store;
        using var system = ActorSystem.Create("load", CampaignConfig.Local);
        var finished = new TaskCompletionSource<SoakSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var c = system.ActorOf(CampaignCoordinator.Props(store, spec, finished: finished));
        for (int i = 0; i < workers; i++) system.ActorOf(Props.Create(() => new FakeWorker(c, spec.CampaignId)), $"fake-{i}");
        Assert.True(finished.Task.Wait(TimeSpan.FromMinutes(5)), "the campaign did not end");
        clock.Stop();
        Assert.Equal(chunks, store.State.DoneChunks);
        Assert.Equal((long)chunks * CampaignKit.ChunkSize, store.State.Schedules);
        // In: a request and a result per chunk, plus each worker's last request; out: a Work per chunk and a NoWork per worker.
        long received = 2L * chunks + workers, sent = chunks + workers;
        double s = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{workers} fake workers, {chunks} chunks in {s:F2} s: {chunks / s:F0} chunks/s, {received / s:F0} messages/s in, {(received + sent) / s:F0} in+out (every result journaled and flushed to disk)");
    }
}

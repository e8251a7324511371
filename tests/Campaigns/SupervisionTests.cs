using StressVm.Campaign;
using StressVm.Runtime;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Soak;
using Xunit;

namespace StressVm.Tests.Campaigns;

/// <summary>Supervision in a whole local campaign: a worker that throws is restarted and its chunk runs again.</summary>
public class SupervisionTests
{
    [Fact]
    public void ASeedThatCrashesTwiceIsRecordedWithItsRecipeAndNotRetried()
    {
        const ulong crash = 7; // in chunk 0 (seeds 1-20)
        string dir = SoakTestKit.NewStateDirectory();
        var warnings = new List<string>();
        var options = CampaignKit.Options(dir, 3 * CampaignKit.ChunkSize, "prepare-crash") with { Workers = 2 };
        var summary = new CampaignRunner(CampaignKit.SourceWithCrash(crash), options, w => { lock (warnings) warnings.Add(w); }).Run();

        Assert.Equal(SoakStopReason.MaxSchedules, summary.Reason);
        // The first crash restarts the worker and re-queues the chunk; the second records the seed and skips it.
        Assert.Contains(warnings, w => w.Contains("restarted after prepare-crash seed 7 threw"));
        var error = Assert.Single(SoakTestKit.Records<InternalErrorFound>(dir));
        Assert.Equal((crash, "prepare-crash"), (error.Seed, error.Scenario));
        Assert.StartsWith("threw twice, skipped: InvalidOperationException: toy crash preparing seed 7", error.Error);
        StrategySpec.Parse(error.Strategy); // the strategy that replays it
        Assert.Contains("; recipe: ", error.Error);
        // Every chunk counted once; the skipped seed is an internal error of its chunk.
        var state = SoakState.Load(dir, _ => { });
        Assert.Equal(3, state.DoneChunks);
        Assert.Equal(3 * CampaignKit.ChunkSize, state.Schedules);
        Assert.Equal(1, state.InternalErrors);
        Assert.Equal(0, state.DuplicateChunks);
    }

    [Fact]
    public void TwoWorkersShareTheBudgetAndEveryChunkIsCountedOnce()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = CampaignKit.Options(dir, 40 * CampaignKit.ChunkSize, SoakTestKit.Clean) with { Workers = 2 };
        var summary = new CampaignRunner(SoakTestKit.Source, options, _ => { }).Run();
        Assert.Equal(40 * CampaignKit.ChunkSize, summary.Schedules);
        var state = SoakState.Load(dir, _ => { });
        Assert.Equal(40, state.DoneChunks);
        Assert.Equal(40, state.Ledger(SoakTestKit.Clean).DoneBelow);
    }
}

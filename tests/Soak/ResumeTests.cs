using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

public class ResumeTests
{
    private static void AssertNoChunkRanTwice(string dir)
    {
        var chunks = SoakTestKit.Records<ChunkCompleted>(dir).Select(c => (c.Scenario, c.Chunk)).ToList();
        Assert.Equal(chunks.Count, chunks.Distinct().Count());
    }

    [Fact]
    public void AStopMidChunkResumesWithoutRepeatingAFinishedChunk()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = SoakTestKit.Options(dir, SoakTestKit.OneBug, SoakTestKit.OtherBug);
        var (first, _) = SoakTestKit.Run(options with { MaxSchedules = 275 }); // 5 chunks and half of one
        Assert.Equal(275, first.Schedules);
        var doneBefore = SoakTestKit.Records<ChunkCompleted>(dir).Select(c => (c.Scenario, c.Chunk)).ToHashSet();
        Assert.Equal(5, doneBefore.Count);
        var failuresBefore = SoakTestKit.Records<FailureFound>(dir).Select(f => (f.Scenario, f.Signature)).ToHashSet();
        Assert.NotEmpty(failuresBefore);

        var (second, _) = SoakTestKit.Run(options with { MaxSchedules = 500 });
        var after = SoakTestKit.Records<ChunkCompleted>(dir);
        AssertNoChunkRanTwice(dir);
        Assert.Equal(15, after.Count);
        var state = SoakState.Load(dir, _ => { });
        Assert.Equal(750, state.Schedules);
        // The half-run chunk was claimed again first: the done chunks are contiguous per scenario.
        foreach (var scenario in new[] { SoakTestKit.OneBug, SoakTestKit.OtherBug })
        {
            var ledger = state.Ledger(scenario);
            Assert.Equal(ledger.DoneCount, ledger.DoneBelow);
        }
        Assert.Superset(failuresBefore, state.Failures.Select(f => (f.Scenario, f.Signature)).ToHashSet());
        Assert.Equal(750, second.TotalSchedules);
    }

    [Fact]
    public void ATornJournalResumesLosingNoRecordedFailure()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = SoakTestKit.Options(dir, SoakTestKit.OneBug, SoakTestKit.OtherBug) with { MaxSchedules = 400 };
        SoakTestKit.Run(options);
        string path = JournalFile.PathIn(dir);
        // Tear the journal in the middle of its last chunk record, as a kill -9 during a write would.
        string text = File.ReadAllText(path);
        int lastChunk = text.LastIndexOf("{\"kind\":\"chunk\"", StringComparison.Ordinal);
        File.WriteAllText(path, text[..(lastChunk + 40)]);
        var recorded = SoakState.Load(dir, _ => { });
        var recordedFailures = recorded.Failures.Select(f => (f.Scenario, f.Signature)).ToHashSet();
        long recordedChunks = recorded.Ledger(SoakTestKit.OneBug).DoneCount + recorded.Ledger(SoakTestKit.OtherBug).DoneCount;
        Assert.Equal(7, recordedChunks);

        var (_, warnings) = SoakTestKit.Run(options);
        Assert.Contains(warnings, w => w.Contains("torn"));
        AssertNoChunkRanTwice(dir);
        var state = SoakState.Load(dir, _ => { });
        Assert.Superset(recordedFailures, state.Failures.Select(f => (f.Scenario, f.Signature)).ToHashSet());
        Assert.Equal((7 + 8) * 50, state.Schedules);
    }

    [Fact]
    public void CancellingMidRunFlushesStateAndTheResumeRepeatsNoChunk()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = SoakTestKit.Options(dir, SoakTestKit.OneBug) with { MaxSchedules = null, ChunkSize = 200 };
        using var cts = new CancellationTokenSource();
        var (first, _) = SoakTestKit.Run(options, cts.Token, new SoakTestKit.CancelAfterFirstChunk(cts));
        Assert.Equal(SoakStopReason.Cancelled, first.Reason);
        var doneBefore = SoakTestKit.Records<ChunkCompleted>(dir).Count;
        Assert.True(doneBefore > 0);
        Assert.Single(SoakTestKit.Records<SessionEnded>(dir));

        SoakTestKit.Run(options with { MaxSchedules = 1000 });
        AssertNoChunkRanTwice(dir);
        Assert.Equal(doneBefore + 5, SoakTestKit.Records<ChunkCompleted>(dir).Count);
    }

    [Fact]
    public void AResumeWithAnotherSeedSpaceIsRefused()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var options = SoakTestKit.Options(dir, SoakTestKit.Clean) with { MaxSchedules = 100 };
        SoakTestKit.Run(options);
        var e = Assert.Throws<ArgumentException>(() => SoakTestKit.Run(options with { ChunkSize = 64 }));
        Assert.Contains("seed space", e.Message);
    }

    [Fact]
    public void AThrowingModelIsRecordedAsAnInternalErrorAndTheSoakGoesOn()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var (summary, _) = SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.Crashing) with { MaxSchedules = 500 });
        Assert.Equal(500, summary.Schedules);
        Assert.True(summary.InternalErrors > 0);
        var errors = SoakTestKit.Records<InternalErrorFound>(dir);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains("toy model defect", e.Error));
        Assert.Equal(summary.InternalErrors, SoakState.Load(dir, _ => { }).InternalErrors);
    }
}

using System.Text.Json;
using StressVm.Runtime;
using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>
/// Coverage of a soak (issue 14 item 5): each worker's chunks carry their interleaving classes and conflicting pairs,
/// the coordinator merges them (bounded memory), journals classes over schedules and `soak report` shows the table.
/// </summary>
public sealed class SoakCoverageTests
{
    private const int Schedules = 1000; // 20 chunks of 50

    private static CoverageSeen Last(string dir) => SoakTestKit.Records<CoverageSeen>(dir)[^1];

    /// <summary>The coverage of one thread over the same seeds, through CoverageTracker as `run` counts it.</summary>
    private static (long Classes, int Pairs, int Both) OneTracker(string scenario, int seeds)
    {
        var options = SoakTestKit.Options("(unused)", scenario);
        var model = SoakTestKit.Source.Create(scenario, 0);
        var slotStrategies = options.Portfolio.Entries.Select(e => e.Resolve(() => Explorer.EstimateSteps(model)).Create()).ToArray();
        var tracker = new CoverageTracker();
        model.System.Observer = tracker.Log;
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            Explorer.RunOne(model, slotStrategies[options.Portfolio.IndexFor(seed)], seed);
            tracker.AfterRun();
        }
        return (tracker.Classes, tracker.PairsSeen, tracker.PairsBothOrders);
    }

    [Fact]
    public void TwoWorkersMergedCountWhatOneTrackerCountsOverTheSameSeeds()
    {
        string dir = SoakTestKit.NewStateDirectory();
        SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.OneBug) with { MaxSchedules = Schedules, Workers = 2 });
        var last = Last(dir);
        var one = OneTracker(SoakTestKit.OneBug, Schedules);
        Assert.Equal(Schedules, last.Schedules);
        Assert.False(last.Estimated);
        Assert.True(one.Classes > 1, $"the toy shows {one.Classes} classes: no test");
        Assert.Equal(one, (last.Classes, last.PairsSeen, last.PairsBothOrders));
    }

    [Fact]
    public void ClassesOverSchedulesAreJournaledAsTheyDoubleAndTheReportShowsThem()
    {
        string dir = SoakTestKit.NewStateDirectory();
        SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.OneBug) with { MaxSchedules = Schedules });
        var rows = SoakTestKit.Records<CoverageSeen>(dir);
        // The first chunk, each doubling, and the session's end: 50, 100, 200, 400, 800, 1000.
        Assert.Equal([50L, 100, 200, 400, 800, 1000], rows.Select(r => r.Schedules));
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Classes <= p.Second.Classes), "classes never shrink");
        Assert.All(rows, r => Assert.InRange(r.Classes, 1, r.Schedules));

        var report = SoakReport.FromDirectories([dir], _ => { });
        string text = report.ToText();
        Assert.Contains(SoakCoverage.Describe(rows[^1]), text);
        Assert.Contains("  schedules        classes      new", text);
        using var json = JsonDocument.Parse(report.ToJson());
        var c = Assert.Single(json.RootElement.GetProperty("coverage").EnumerateArray().ToList());
        Assert.Equal(rows[^1].Classes, c.GetProperty("classes").GetInt64());
        Assert.Equal(rows[^1].PairsBothOrders, c.GetProperty("conflictingPairsBothOrders").GetInt32());
        Assert.Equal(rows.Select(r => (r.Schedules, r.Classes)),
            c.GetProperty("classesOverSchedules").EnumerateArray().Select(r => (r.GetProperty("schedules").GetInt64(), r.GetProperty("classes").GetInt64())));
    }

    [Fact]
    public void AResumeGoesOnCountingFromTheSavedCoverage()
    {
        string split = SoakTestKit.NewStateDirectory(), whole = SoakTestKit.NewStateDirectory();
        var o = SoakTestKit.Options(split, SoakTestKit.OneBug) with { MaxSchedules = Schedules / 2 };
        SoakTestKit.Run(o);
        Assert.True(File.Exists(Path.Combine(split, SoakCoverage.FileName)));
        SoakTestKit.Run(o);
        SoakTestKit.Run(SoakTestKit.Options(whole, SoakTestKit.OneBug) with { MaxSchedules = Schedules });
        Assert.Equal(Last(whole), Last(split));
    }

    [Fact]
    public void TheDistinctCounterSavesAndReadsBackExactAndEstimated()
    {
        foreach (int n in new[] { 500, 50_000 })
        {
            var c = new DistinctCounter(exactBound: 1000);
            for (ulong i = 0; i < (ulong)n; i++) c.Add(i * 0x9E3779B97F4A7C15UL);
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) c.WriteTo(w);
            ms.Position = 0;
            var back = DistinctCounter.ReadFrom(new BinaryReader(ms));
            Assert.Equal((c.Count, c.IsExact, c.ExactBound), (back.Count, back.IsExact, back.ExactBound));
            back.Add(12345); c.Add(12345);
            Assert.Equal(c.Count, back.Count);
        }
    }
}

using StressVm.Runtime;
using StressVm.Scenarios.Soak;
using StressVm.Scenarios.Soak.Toys;
using Xunit;

namespace StressVm.Tests.Soak;

public class DedupTests
{
    [Fact]
    public void ManySeedsOfOneBugGiveOneEntry()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var (summary, _) = SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.OneBug));
        var f = Assert.Single(summary.Failures);
        Assert.Equal("lost-update", f.Invariant);
        Assert.True(f.Count > 10, $"count {f.Count}");
        Assert.True(f.ShortestSteps <= 8);
    }

    [Fact]
    public void TwoDifferentBugsGiveTwoEntries()
    {
        string dir = SoakTestKit.NewStateDirectory();
        SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.OneBug, SoakTestKit.OtherBug));
        var report = SoakReport.FromDirectories([dir], _ => { });
        Assert.Equal(1000, report.Schedules);
        Assert.Equal(["lost-update", "read-before-init"], report.Failures.Select(f => f.Invariant).OrderBy(i => i));
        Assert.All(report.Failures, f => Assert.StartsWith($"stressvm replay {f.Scenario} --seed {f.ShortestSeed} --strategy ", f.Replay));
    }

    [Fact]
    public void TheSignatureHasNoSeedInIt()
    {
        var a = new PublishBeforeInitModel("p");
        var b = new PublishBeforeInitModel("p");
        ulong s1 = SoakTestKit.FirstFailingSeed(a);
        ulong s2 = SoakTestKit.FirstFailingSeed(a, s1 + 1);
        var sig = new FailureSignature();
        var r1 = Explorer.RunOne(a, new RandomStrategy(), s1);
        string h1 = sig.Compute(r1, a.System.Trace);
        var r2 = Explorer.RunOne(b, new RandomStrategy(), s2);
        Assert.Equal(h1, new FailureSignature().Compute(r2, b.System.Trace));
        var described = sig.Describe(r2, b.System.Trace);
        Assert.StartsWith("read-before-init: reader in user: ", described); // the toy opens no span
        Assert.DoesNotMatch(@"\d", described);
    }

    [Fact]
    public void TheReportMergesShardsAndPrintsJson()
    {
        string d0 = SoakTestKit.NewStateDirectory(), d1 = SoakTestKit.NewStateDirectory();
        SoakTestKit.Run(SoakTestKit.Options(d0, SoakTestKit.OneBug) with { Shard = ShardSpec.Create(0, 2), MaxSchedules = 300 });
        SoakTestKit.Run(SoakTestKit.Options(d1, SoakTestKit.OneBug) with { Shard = ShardSpec.Create(1, 2), MaxSchedules = 300 });
        var one = SoakReport.FromDirectories([d0], _ => { });
        var both = SoakReport.FromDirectories([d0, d1], _ => { });
        Assert.Equal(600, both.Schedules);
        var merged = Assert.Single(both.Failures);
        Assert.True(merged.Count > one.Failures[0].Count);

        using var doc = System.Text.Json.JsonDocument.Parse(both.ToJson());
        Assert.Equal(600, doc.RootElement.GetProperty("schedules").GetInt64());
        var f = doc.RootElement.GetProperty("failures")[0];
        foreach (var key in new[] { "signature", "invariant", "scenario", "count", "firstSeed", "shortestSeed", "replay" })
            Assert.True(f.TryGetProperty(key, out _), key);
    }
}

using StressVm.Scenarios;
using StressVm.Runtime;
using StressVm.Scenarios.Minimize;
using StressVm.Scenarios.Soak;
using StressVm.Scenarios.Soak.Toys;
using Xunit;

namespace StressVm.Tests.Soak;

public class MinimizerTests
{
    private static LostUpdateModel Model() => new("lu", new LostUpdateOptions(Clients: 3, Increments: 3));

    [Fact]
    public void AMinimizedScheduleStillFailsTheSameInvariantAndIsNoLonger()
    {
        var model = Model();
        ulong seed = SoakTestKit.FirstFailingSeed(model);
        var m = FailureMinimizer.FromSeed(model, Recipes.ForModel("lu", StrategySpec.Random.Instance, seed));

        Assert.Equal("lost-update", m.Minimized.FindingName);
        Assert.True(m.Verified);
        Assert.True(m.Minimized.Steps <= m.Original.Steps);
        // Dropping program operations leaves two racing increments: 3 starts, 2 reads, 2 replies, 2 writes at most.
        Assert.True(m.Minimized.Steps <= 9, $"{m.Minimized.Steps} steps");
        Assert.NotEmpty(m.DroppedOperations);

        // The written schedule replays strictly to the same failure on a fresh model.
        var fresh = Model();
        var text = m.Schedule.ToText();
        var parsed = Schedule.Parse(text);
        fresh.DroppedOperations = ScheduleMinimizer.ParseDropped(parsed.Get(ScheduleMinimizer.DroppedOperationsKey)).ToHashSet();
        var (replayed, _) = ScheduleMinimizer.Replay(fresh, Recipe.FromHeader(parsed, "<test>").Seed, parsed, strict: true);
        Assert.Equal("lost-update", replayed.FindingName);
        Assert.Equal(m.Minimized.Steps, replayed.Steps);
    }

    [Fact]
    public void ScheduleOnlyMinimizationOfANonShrinkableModelStillFailsAndIsNoLonger()
    {
        var model = new PublishBeforeInitModel("p");
        ulong seed = SoakTestKit.FirstFailingSeed(model);
        var m = FailureMinimizer.FromSeed(model, Recipes.ForModel("p", StrategySpec.Random.Instance, seed));
        Assert.Equal("read-before-init", m.Minimized.FindingName);
        Assert.True(m.Verified);
        Assert.True(m.Minimized.Steps <= m.Original.Steps);
        Assert.Empty(m.DroppedOperations);
        Assert.NotEmpty(m.Interleaving);
    }

    [Fact]
    public void ASchedulerThatDoesNotFailIsRefused()
    {
        var model = new LostUpdateModel("ok", new LostUpdateOptions(Atomic: true));
        var (r, schedule) = FailureMinimizer.Record(model, Recipes.ForModel("ok", StrategySpec.Random.Instance, 1));
        Assert.False(r.IsBug);
        Assert.Throws<ArgumentException>(() => FailureMinimizer.FromSchedule(model, schedule, 1));
    }

    [Fact]
    public void TheSoakKeepsAMinimizedSchedulePerSignature()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var (summary, _) = SoakTestKit.Run(SoakTestKit.Options(dir, SoakTestKit.OneBug, SoakTestKit.OtherBug) with { MaxSchedules = 400 });
        Assert.NotEmpty(summary.Failures);
        foreach (var f in summary.Failures)
        {
            Assert.NotNull(f.MinimizedSchedule);
            Assert.True(File.Exists(f.MinimizedSchedule));
            var s = Schedule.Load(f.MinimizedSchedule!);
            Assert.Equal(f.Invariant, s.Get(Recipe.Header.Invariant));
            Assert.Equal(f.Signature, s.Get(Recipe.Header.Signature));
        }
        Assert.All(SoakTestKit.Records<ScheduleMinimized>(dir), m => Assert.True(m.Verified && m.Steps <= m.OriginalSteps));
    }
}

public class MinimizerLeavesTheModelWholeTests
{
    [Fact]
    public void AfterMinimizingTheModelRunsItsWholeProgramAgain()
    {
        var model = new LostUpdateModel("lu", new LostUpdateOptions(Clients: 3, Increments: 3));
        ulong seed = SoakTestKit.FirstFailingSeed(model);
        var m = FailureMinimizer.FromSeed(model, Recipes.ForModel("lu", StrategySpec.Random.Instance, seed));
        Assert.NotEmpty(m.DroppedOperations);
        Assert.Empty(model.DroppedOperations);
        Assert.Equal(9, model.ExpectedFinalValue);
    }
}

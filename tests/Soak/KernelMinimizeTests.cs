using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Minimize;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>Minimizing a kernel failure: fewer steps and program operations, the same invariant, replayable alone.</summary>
public class KernelMinimizeTests
{
    [Fact]
    public void AMixedFailureShrinksOverChoicesAndProgramOperations()
    {
        var settings = new RunSettings { KnobOverrides = new Dictionary<string, bool> { ["munmap-free-before-flush"] = true } };
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"), settings, recordTrace: true);
        ulong seed = SoakTestKit.FirstFailingSeed(model);
        var recipe = Recipes.For(model, settings, StrategySpec.Random.Instance, seed);
        var m = FailureMinimizer.FromSeed(model, recipe);
        Assert.True(m.Verified);
        Assert.Equal("use-after-free", m.Minimized.FindingName);
        Assert.Equal(m.Original.FindingName, m.Minimized.FindingName);
        Assert.True(m.Minimized.Steps <= m.Original.Steps);
        int ops = model.OperationCount(seed);
        Assert.True(m.DroppedOperations.Count < ops);

        // Replayed alone, as `stressvm replay --schedule` does: knobs and dropped operations come from the header.
        var header = Recipe.FromHeader(m.Schedule, "<minimized>");
        Assert.Equal(["stressvm.kernel.bugs.munmap-free-before-flush=true"], header.Overrides);
        var fresh = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"),
            new RunSettings { KnobOverrides = new Dictionary<string, bool> { ["munmap-free-before-flush"] = true } }, recordTrace: true);
        fresh.DroppedOperations = new HashSet<int>(ScheduleMinimizer.ParseDropped(m.Schedule.Get(ScheduleMinimizer.DroppedOperationsKey)));
        var again = Explorer.RunOne(fresh, new ReplayStrategy(m.Schedule, strict: true, fresh.System.NameOf), seed);
        Assert.Equal("use-after-free", again.FindingName);
        Assert.Equal(m.Minimized.Steps, again.Steps);
        Assert.Equal(m.Minimized.Fingerprint, again.Fingerprint);
    }
}

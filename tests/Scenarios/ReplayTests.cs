using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>A run is a pure function of (scenario, settings, seed): replay and fingerprints prove it.</summary>
public class ReplayTests
{
    private static (KernelModel Model, ISchedulingStrategy Strategy, RunResult Result) FirstFailing(string scenario, string strategy = "random")
    {
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), s);
        var st = ScenarioRunner.Strategy(model, s);
        for (ulong seed = 0; seed < 2000; seed++)
        {
            var r = Explorer.RunOne(model, st, seed);
            if (r.IsBug) return (model, st, r);
        }
        throw new InvalidOperationException("no failing seed");
    }

    [Theory]
    [InlineData("munmap-vs-stale-tlb")]
    [InlineData("mkwrite-vs-writeback")]
    [InlineData("parallel-dontneed")]
    public void ReplayOfTheRecordedScheduleReproducesVerdictStepAndFingerprint(string scenario)
    {
        var (model, st, r) = FirstFailing(scenario);
        var recipe = Recipes.For(model, new RunSettings(), StrategySpec.Parse(st.Name), r.Seed);
        var schedule = Schedule.Parse(model.System.RecordedSchedule(recipe.ToHeader()).ToText());
        Assert.Equal(recipe, Recipe.FromHeader(schedule, "<test>"));
        // A fresh model (as the CLI builds one), with tracing on, replaying the schedule file.
        var fresh = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), new RunSettings(), recordTrace: true);
        var replay = Explorer.RunOne(fresh, new ReplayStrategy(schedule, strict: true, fresh.System.NameOf), r.Seed);
        Assert.Equal(r.Outcome, replay.Outcome);
        Assert.Equal(r.Violation!.Invariant, replay.Violation!.Invariant);
        Assert.Equal(r.Violation.Step, replay.Violation.Step);
        Assert.Equal(r.Violation.Detail, replay.Violation.Detail);
        Assert.Equal(r.Fingerprint, replay.Fingerprint);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    public void ReplayBySeedReproducesTheRun(string strategy)
    {
        var (_, _, r) = FirstFailing("dontneed-vs-write-fault", strategy);
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var again = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("dontneed-vs-write-fault"), s, recordTrace: true);
        var r2 = Explorer.RunOne(again, ScenarioRunner.Strategy(again, s), r.Seed);
        Assert.Equal(r.Fingerprint, r2.Fingerprint);
        Assert.Equal(r.Violation!.Step, r2.Violation!.Step);
    }

    [Fact]
    public void SameSeedSameFingerprintDifferentSeedsDiffer()
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"), new RunSettings());
        var st = new RandomStrategy();
        var a = new List<ulong>();
        for (ulong seed = 0; seed < 50; seed++) a.Add(Explorer.RunOne(model, st, seed).Fingerprint);
        var other = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin("mixed"), new RunSettings());
        for (ulong seed = 0; seed < 50; seed++) Assert.Equal(a[(int)seed], Explorer.RunOne(other, st, seed).Fingerprint);
        Assert.True(a.Distinct().Count() > 45);
    }
}

using StressVm.Runtime;

namespace StressVm.Scenarios.Minimize;

/// <summary>
/// Minimizes a failure of a scenario, given as a recipe (a seed and the strategy that found it, with the
/// settings it ran under) or as a schedule file: records the failing run's schedule, shrinks it with
/// <see cref="ScheduleMinimizer"/> (choices, and program operations when the model is an
/// <see cref="IShrinkableModel"/>) and verifies the result by strict replay. The schedule's header is the
/// recipe's (<see cref="Recipe.ToHeader"/>), so `stressvm replay --schedule` rebuilds the same run alone.
/// </summary>
public static class FailureMinimizer
{
    /// <summary>Runs <paramref name="recipe"/> on <paramref name="model"/> (built from it); returns the verdict and the schedule it recorded.</summary>
    public static (RunResult Result, Schedule Schedule) Record(ISimulationModel model, Recipe recipe)
    {
        var r = Explorer.RunOne(model, recipe.Strategy.Create(), recipe.Seed);
        var header = recipe.ToHeader();
        if (r.FindingName is { } f) header[Recipe.Header.Invariant] = f;
        return (r, model.System.RecordedSchedule(header));
    }

    public static MinimizationResult FromSeed(ISimulationModel model, Recipe recipe, MinimizerOptions? options = null)
    {
        var (r, schedule) = Record(model, recipe);
        if (!r.IsBug) throw new ArgumentException($"seed {recipe.Seed} of {recipe.Scenario} under {recipe.Strategy} does not fail: {r}");
        return ScheduleMinimizer.Minimize(model, recipe.Seed, schedule, options);
    }

    /// <summary>Minimizes a schedule file's run; <paramref name="seed"/> is its recipe's (models draw their program from it).</summary>
    public static MinimizationResult FromSchedule(ISimulationModel model, Schedule schedule, ulong seed, MinimizerOptions? options = null) =>
        ScheduleMinimizer.Minimize(model, seed, schedule, options);

    /// <summary>Writes <paramref name="schedule"/> so that a crash leaves the old file or the new one, never half of one.</summary>
    public static void SaveAtomically(Schedule schedule, string path) => OutputFiles.WriteAtomically(path, schedule.ToText());
}

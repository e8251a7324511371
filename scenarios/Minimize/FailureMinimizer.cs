using System.Globalization;
using StressVm.Runtime;
using StressVm.Scenarios.Soak;

namespace StressVm.Scenarios.Minimize;

/// <summary>
/// Minimizes a failure of a scenario, given as a seed and the strategy that found it, or as a schedule file:
/// records the failing run's schedule, shrinks it with <see cref="ScheduleMinimizer"/> (choices, and program
/// operations when the model is an <see cref="IShrinkableModel"/>) and verifies the result by strict replay.
/// </summary>
public static class FailureMinimizer
{
    /// <summary>Runs <paramref name="seed"/> under <paramref name="strategy"/>; returns the verdict and the schedule it recorded.</summary>
    public static (RunResult Result, Schedule Schedule) Record(ISimulationModel model, string scenario, ulong seed, StrategySpec strategy)
    {
        var r = Explorer.RunOne(model, strategy.Create(), seed);
        var header = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ScheduleHeader.Scenario] = scenario,
            [ScheduleHeader.Seed] = seed.ToString(CultureInfo.InvariantCulture),
            [ScheduleHeader.Strategy] = ReplayCommandFormat.ToText(strategy),
        };
        if (r.FindingName is { } f) header[ScheduleHeader.Invariant] = f;
        // Every knob's value, so `stressvm replay --schedule` rebuilds the same kernel without -D options.
        if (model is KernelModel km) header["knobs"] = km.Knobs.ToString();
        if (model.System.MailboxOrder == MailboxOrder.PerSender) header["mailbox-order"] = "per-sender";
        return (r, model.System.RecordedSchedule(header));
    }

    public static MinimizationResult FromSeed(ISimulationModel model, string scenario, ulong seed, StrategySpec strategy, MinimizerOptions? options = null)
    {
        var (r, schedule) = Record(model, scenario, seed, strategy);
        if (!r.IsBug) throw new ArgumentException($"seed {seed} of {scenario} under {strategy} does not fail: {r}");
        return ScheduleMinimizer.Minimize(model, seed, schedule, options);
    }

    /// <summary>Minimizes a schedule file's run; its seed comes from the header (models draw their program from it).</summary>
    public static MinimizationResult FromSchedule(ISimulationModel model, Schedule schedule, MinimizerOptions? options = null) =>
        ScheduleMinimizer.Minimize(model, SeedOf(schedule), schedule, options);

    public static ulong SeedOf(Schedule schedule) =>
        ulong.TryParse(schedule.Get(ScheduleHeader.Seed), NumberStyles.None, CultureInfo.InvariantCulture, out ulong s) ? s : 0;

    /// <summary>Writes <paramref name="schedule"/> so that a crash leaves the old file or the new one, never half of one.</summary>
    public static void SaveAtomically(Schedule schedule, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(System.Text.Encoding.UTF8.GetBytes(schedule.ToText()));
            fs.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}

namespace StressVm.Runtime;

/// <summary>
/// Runs one model under one strategy over a range of seeds, on the calling thread, and sums up. Knows
/// nothing of time: callers that report schedules per second measure it outside the simulation.
/// </summary>
public static class Explorer
{
    /// <summary>
    /// Runs seeds [firstSeed, firstSeed + seeds). <paramref name="onResult"/> sees every result (return false to stop early).
    /// </summary>
    public static ExplorationSummary Explore(
        ISimulationModel model, ISchedulingStrategy strategy, ulong firstSeed, int seeds,
        Func<RunResult, bool>? onResult = null, CancellationToken cancel = default)
    {
        var summary = new ExplorationSummary();
        for (int i = 0; i < seeds && !cancel.IsCancellationRequested; i++)
        {
            var r = RunOne(model, strategy, firstSeed + (ulong)i);
            summary.Add(r);
            model.AddCounters(summary.Counters);
            if (onResult is not null && !onResult(r)) break;
        }
        return summary;
    }

    public static RunResult RunOne(ISimulationModel model, ISchedulingStrategy strategy, ulong seed)
    {
        var start = model.PrepareRun(seed);
        return model.System.Run(strategy, seed, start);
    }

    /// <summary>
    /// The run length PCT spreads its change points over: the steps of a random-walk pilot run of
    /// <paramref name="pilotSeed"/>. A function of the model only, so every seed of a campaign sees the same k.
    /// </summary>
    public static int EstimateSteps(ISimulationModel model, ulong pilotSeed = 0)
    {
        var r = RunOne(model, new RandomStrategy(), pilotSeed);
        return Math.Max(1, r.Steps);
    }
}

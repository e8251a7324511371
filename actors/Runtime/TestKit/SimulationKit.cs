namespace StressVm.Runtime.TestKit;

/// <summary>
/// Runs a system to quiescence under a chosen strategy and seed and asserts on the outcome; and searches
/// seed ranges for the first failing schedule. Throws <see cref="TestKitException"/> on a failed expectation.
/// </summary>
public static class SimulationKit
{
    public static RunResult RunToQuiescence(ActorSystem system, ISchedulingStrategy strategy, ulong seed, Action<ActorSystem>? start = null)
        => system.Run(strategy, seed, start);

    public static RunResult ExpectCompleted(this RunResult r)
    {
        if (r.Outcome != Outcome.Completed) throw new TestKitException($"expected the run to complete, got: {r}");
        return r;
    }

    public static RunResult ExpectViolation(this RunResult r, string invariant)
    {
        if (r.Outcome != Outcome.Violation || r.Violation!.Invariant != invariant)
            throw new TestKitException($"expected violation of '{invariant}', got: {r}");
        return r;
    }

    public static RunResult ExpectDeadlock(this RunResult r)
    {
        if (r.Outcome != Outcome.Deadlock) throw new TestKitException($"expected a deadlock, got: {r}");
        return r;
    }

    /// <summary>Runs seeds first..first+count-1; returns the index (0-based) and result of the first run that satisfies <paramref name="found"/>.</summary>
    public static (int Schedules, RunResult? Result) FirstFailing(
        ActorSystem system, ISchedulingStrategy strategy, ulong firstSeed, int count, Func<RunResult, bool> found, Action<ActorSystem>? start = null)
    {
        for (int i = 0; i < count; i++)
        {
            var r = system.Run(strategy, firstSeed + (ulong)i, start);
            if (r.Outcome == Outcome.InternalError) throw new TestKitException($"seed {firstSeed + (ulong)i}: {r.Error}");
            if (found(r)) return (i + 1, r);
        }
        return (count, null);
    }
}

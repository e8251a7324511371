namespace StressVm.Runtime;

/// <summary>
/// Drives <see cref="DporStrategy"/> over a model until the exploration tree is exhausted or a bound stops it.
/// A run that hits the step budget is a cut branch, not a finding: verify bounds the steps it looks at.
/// Knows nothing of time: a time bound is the caller's <see cref="CancellationToken"/>.
/// </summary>
public static class DporExplorer
{
    /// <param name="onRun">Sees every run (the system still holds its final state) and its strategy.</param>
    public static VerifyResult Verify(ISimulationModel model, DporOptions options, ulong seed = 0,
        Action<RunResult, DporStrategy>? onRun = null, CancellationToken cancel = default,
        Func<Schedule, Schedule>? withHeader = null)
    {
        var strategy = new DporStrategy(options);
        var sys = model.System;
        var saved = sys.Observer;
        sys.Observer = strategy.Log;
        var findings = new Dictionary<string, (int Count, long First, string Detail, Schedule Schedule)>(StringComparer.Ordinal);
        var stopped = new List<string>();
        long schedules = 0, abandoned = 0, steps = 0, budget = 0;
        int errors = 0;
        string? firstError = null;
        try
        {
            while (true)
            {
                if (cancel.IsCancellationRequested) { stopped.Add("time"); break; }
                if (strategy.Classes >= options.MaxClasses) { stopped.Add("max-classes"); break; }
                if (schedules >= options.MaxSchedules) { stopped.Add("max-schedules"); break; }
                var r = Explorer.RunOne(model, strategy, seed);
                schedules++;
                steps += r.Steps;
                strategy.AfterRun(r);
                switch (r.Outcome)
                {
                    case Outcome.Abandoned: abandoned++; break;
                    case Outcome.StepBudget: budget++; break;
                    case Outcome.InternalError or Outcome.ReplayDiverged:
                        errors++;
                        firstError ??= $"schedule {schedules}: {r.Error}";
                        break;
                    case Outcome.Violation or Outcome.Deadlock:
                        string name = r.FindingName!;
                        if (findings.TryGetValue(name, out var f)) findings[name] = f with { Count = f.Count + 1 };
                        else
                        {
                            var sched = sys.RecordedSchedule();
                            findings[name] = (1, schedules, r.ToString(), withHeader is null ? sched : withHeader(sched));
                        }
                        break;
                }
                onRun?.Invoke(r, strategy);
                if (errors > 0) { stopped.Add("internal-error"); break; }
                if (!strategy.Advance()) break;
            }
        }
        finally
        {
            sys.Observer = saved;
        }
        if (budget > 0) stopped.Add("max-steps");
        if (strategy.PrunedByPreemptions > 0) stopped.Add("max-preemptions");
        return new VerifyResult
        {
            Strategy = strategy.Name,
            Schedules = schedules,
            Classes = strategy.Classes,
            Abandoned = abandoned,
            Steps = steps,
            StoppedBy = stopped,
            StepBudgetRuns = budget,
            PrunedByPreemptions = strategy.PrunedByPreemptions,
            Findings = findings.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new VerifyFinding(kv.Key, kv.Value.Count, kv.Value.First, kv.Value.Detail, kv.Value.Schedule)).ToList(),
            InternalErrors = errors,
            FirstInternalError = firstError,
        };
    }
}

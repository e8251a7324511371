using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>
/// The unexpected-outcome oracle: at the end of a schedule, the scenario's <c>outcomes</c> clause must hold and
/// no <c>forbid</c> entry may; <c>exists</c> entries are counted for the run's summary.
/// </summary>
public sealed class OutcomeChecker : ISafetyMonitor
{
    private readonly OutcomeClauses _clauses;
    private readonly IReadOnlyList<CpuActor> _cpus;
    private readonly Func<string, OpOutcome> _outcomeOf;

    public OutcomeChecker(OutcomeClauses clauses, IReadOnlyList<CpuActor> cpus)
    {
        _clauses = clauses;
        _cpus = cpus;
        ExistsSeen = new long[clauses.Exists.Count];
        _outcomeOf = OutcomeOf;
    }

    /// <summary>Per exists entry: schedules (since the last <see cref="TakeCounts"/>) whose final outcome matched it.</summary>
    public long[] ExistsSeen { get; }

    public void Reset() { }

    public Violation? AfterStep(ActorSystem system, int step, int actor) => null;

    public Violation? AtEnd(ActorSystem system)
    {
        for (int i = 0; i < _clauses.Exists.Count; i++)
            if (_clauses.Exists[i].Holds(_outcomeOf)) ExistsSeen[i]++;
        if (_clauses.Always is { } always)
            foreach (var (label, pattern) in always.Terms)
            {
                var o = OutcomeOf(label);
                if (!o.Matches(pattern))
                    return new Violation(Invariants.UnexpectedOutcome, $"{label} saw {o}, the scenario's outcomes clause expects {pattern}", system.Step, "-");
            }
        foreach (var f in _clauses.Forbid)
            if (f.Holds(_outcomeOf))
                return new Violation(Invariants.UnexpectedOutcome, $"the final outcome matches forbid {f}: {Vector()}", system.Step, "-");
        return null;
    }

    /// <summary>The instruction's outcome by its label ("cpu0.2").</summary>
    public OpOutcome OutcomeOf(string label)
    {
        int dot = label.LastIndexOf('.');
        foreach (var c in _cpus)
            if (string.CompareOrdinal(c.Name, 0, label, 0, dot) == 0 && c.Name.Length == dot)
            {
                int pc = int.Parse(label.AsSpan(dot + 1), System.Globalization.CultureInfo.InvariantCulture);
                return pc < c.Outcomes.Length ? c.Outcomes[pc] : OpOutcome.NotRun;
            }
        return OpOutcome.NotRun;
    }

    private string Vector() => OutcomeVector.Text(_cpus);
}

/// <summary>A schedule's outcome vector as one line: "cpu0.0=stored cpu0.1=value=cpu0.0 cpu1.0=ret=0".</summary>
public static class OutcomeVector
{
    public static string Text(IReadOnlyList<CpuActor> cpus)
    {
        var parts = new List<string>();
        foreach (var c in cpus)
            for (int i = 0; i < c.Outcomes.Length; i++) parts.Add($"{c.Label(i)}={c.Outcomes[i]}");
        return string.Join(' ', parts);
    }
}

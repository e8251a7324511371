using StressVm.Kernel;

namespace StressVm.Scenarios;

/// <summary>One condition over a schedule's final outcome vector: every named instruction's outcome matches its pattern.</summary>
public sealed record OutcomeCondition(IReadOnlyList<(string Label, string Pattern)> Terms)
{
    public bool Holds(Func<string, OpOutcome> outcomeOf)
    {
        foreach (var (label, pattern) in Terms)
            if (!outcomeOf(label).Matches(pattern)) return false;
        return true;
    }

    public override string ToString() => "{ " + string.Join(", ", Terms.Select(t => $"\"{t.Label}\" = {t.Pattern}")) + " }";
}

/// <summary>
/// A scenario's expectations of what its programs see, checked at the end of every schedule that completes,
/// after herd7's final conditions: <c>outcomes</c> must hold in every schedule (forall), no <c>forbid</c> entry may
/// hold in any, and each <c>exists</c> entry is counted (a run's counters show how many schedules reached it).
/// </summary>
public sealed record OutcomeClauses(OutcomeCondition? Always, IReadOnlyList<OutcomeCondition> Forbid, IReadOnlyList<OutcomeCondition> Exists);

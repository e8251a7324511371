namespace StressVm.Runtime;

/// <summary>One invariant found by an exhaustive search: how often, first at which schedule, and that schedule.</summary>
public sealed record VerifyFinding(string Invariant, int Count, long FirstSchedule, string Detail, Schedule Schedule);

/// <summary>What an exhaustive search explored and found, and what (if anything) stopped it before the end.</summary>
public sealed class VerifyResult
{
    public required string Strategy { get; init; }
    /// <summary>Runs executed, abandoned ones included.</summary>
    public long Schedules { get; init; }
    /// <summary>Distinct trace classes among the runs that finished.</summary>
    public long Classes { get; init; }
    /// <summary>Runs ended early by the sleep sets (each would have repeated an explored class).</summary>
    public long Abandoned { get; init; }
    public long Steps { get; init; }
    /// <summary>True when the search ran out of branches: every class within the bounds was explored.</summary>
    public bool Exhaustive => StoppedBy.Count == 0;
    /// <summary>The bounds that cut the search ("max-classes", "max-schedules", "max-steps", "max-preemptions", "time"); empty when none did.</summary>
    public required IReadOnlyList<string> StoppedBy { get; init; }
    /// <summary>Runs that hit the step budget (each a branch left unexplored past it).</summary>
    public long StepBudgetRuns { get; init; }
    public long PrunedByPreemptions { get; init; }
    public required IReadOnlyList<VerifyFinding> Findings { get; init; }
    public int InternalErrors { get; init; }
    public string? FirstInternalError { get; init; }
}

namespace StressVm.Runtime;

public enum Outcome
{
    /// <summary>Every actor is idle and none has unfinished work.</summary>
    Completed,
    /// <summary>An invariant (after a step, at the end, or raised by an actor) failed.</summary>
    Violation,
    /// <summary>No actor is enabled while some actor is suspended or has unfinished work.</summary>
    Deadlock,
    /// <summary>The step budget ran out: a livelock suspect.</summary>
    StepBudget,
    /// <summary>The model itself threw: a defect in the model, not a found bug.</summary>
    InternalError,
    /// <summary>A replayed schedule no longer matches the system.</summary>
    ReplayDiverged,
    /// <summary>The strategy ended the run early: it can only repeat what was explored (DPOR's sleep sets).</summary>
    Abandoned,
}

/// <summary>The verdict of one run. Seed + strategy + the system's setup reproduce it exactly.</summary>
public sealed record RunResult(
    Outcome Outcome,
    ulong Seed,
    string Strategy,
    int Steps,
    ulong Fingerprint,
    Violation? Violation = null,
    DeadlockReport? Deadlock = null,
    string? Error = null)
{
    public bool IsBug => Outcome is Outcome.Violation or Outcome.Deadlock or Outcome.StepBudget;

    /// <summary>Name of what was found: the invariant, "deadlock", or "step-budget".</summary>
    public string? FindingName => Outcome switch
    {
        Outcome.Violation => Violation!.Invariant,
        Outcome.Deadlock => "deadlock",
        Outcome.StepBudget => "step-budget",
        Outcome.InternalError => "internal-error",
        Outcome.ReplayDiverged => "replay-diverged",
        _ => null,
    };

    public override string ToString() => Outcome switch
    {
        Outcome.Completed => $"completed in {Steps} steps, fingerprint {Fingerprint:x16}",
        Outcome.Violation => $"violation {Violation}",
        Outcome.Deadlock => $"deadlock at step {Steps}: {Deadlock}",
        Outcome.StepBudget => $"step budget of {Steps} steps exhausted (livelock suspect)",
        _ => $"{Outcome} at step {Steps}: {Error}",
    };
}

namespace StressVm.Runtime;

/// <summary>A broken invariant: which one, what was seen, at which step, by which actor.</summary>
public sealed record Violation(string Invariant, string Detail, int Step, string Actor)
{
    /// <summary>
    /// Earlier steps the violation depends on (a final-state violation has no violating step of its own): who did
    /// what at which step, so a signature can name the kernel functions those actors were in then. Empty for most.
    /// </summary>
    public IReadOnlyList<ViolationCause> Causes { get; init; } = [];

    public override string ToString() => $"{Invariant} at step {Step} ({Actor}): {Detail}";
}

/// <summary>
/// One step behind a violation: <paramref name="What"/> ("cleaned the page") <paramref name="Actor"/> did at
/// <paramref name="Step"/> (negative: no step to name, the actor and what it did say it all).
/// </summary>
public readonly record struct ViolationCause(string What, string Actor, int Step);

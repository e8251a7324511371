namespace StressVm.Runtime;

/// <summary>A broken invariant: which one, what was seen, at which step, by which actor.</summary>
public sealed record Violation(string Invariant, string Detail, int Step, string Actor)
{
    /// <summary>
    /// Earlier steps the violation depends on (a final-state violation has no violating step of its own): who did
    /// what at which step, so a signature can name the kernel functions those actors were in then. Empty for most.
    /// </summary>
    public IReadOnlyList<ViolationCause> Causes { get; init; } = [];

    /// <summary>Where a failure signature places this violation; see <see cref="ViolationPlace"/>.</summary>
    public ViolationPlace Place { get; init; }

    public override string ToString() => $"{Invariant} at step {Step} ({Actor}): {Detail}";
}

/// <summary>
/// One step behind a violation: <paramref name="What"/> ("cleaned the page") <paramref name="Actor"/> did at
/// <paramref name="Step"/> (negative: no step to name, the actor and what it did say it all).
/// </summary>
public readonly record struct ViolationCause(string What, string Actor, int Step);

/// <summary>
/// Where a failure signature places a violation, as the check that raised it knows: by default the deepest span
/// stack the violating actor had during its step; for a user program's bad access its stack at the end of the step
/// (whether the fault it retried after closed in that same step is chance); or a kernel function the check itself
/// stands for (<see cref="In"/>), when which caller reached that function is chance.
/// </summary>
public readonly record struct ViolationPlace(ViolationPlaceKind Kind, string? Function = null)
{
    public static ViolationPlace EndOfStep => new(ViolationPlaceKind.EndOfStep);
    public static ViolationPlace In(string function) => new(ViolationPlaceKind.Function, function);
}

public enum ViolationPlaceKind : byte { DeepestInStep, EndOfStep, Function }

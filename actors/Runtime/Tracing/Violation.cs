namespace StressVm.Runtime;

/// <summary>A broken invariant: which one, what was seen, at which step, by which actor.</summary>
public sealed record Violation(string Invariant, string Detail, int Step, string Actor)
{
    public override string ToString() => $"{Invariant} at step {Step} ({Actor}): {Detail}";
}

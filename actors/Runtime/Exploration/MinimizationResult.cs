namespace StressVm.Runtime;

/// <summary>Limits of one minimization: how many candidate replays it may spend.</summary>
public sealed record MinimizerOptions(int MaxReplays = 2000)
{
    public static readonly MinimizerOptions Default = new();
}

/// <summary>
/// What <see cref="ScheduleMinimizer"/> produced: the smallest schedule it found that still fails the same
/// invariant, the original and minimized verdicts, and whether a strict replay of the minimized schedule
/// reproduced the minimized verdict exactly (same invariant, same steps, same fingerprint).
/// </summary>
public sealed record MinimizationResult(
    Schedule Schedule,
    RunResult Original,
    RunResult Minimized,
    int Replays,
    bool Verified,
    IReadOnlyList<int> DroppedOperations,
    IReadOnlyList<string> Interleaving)
{
    public string Invariant => Original.FindingName ?? "";
}

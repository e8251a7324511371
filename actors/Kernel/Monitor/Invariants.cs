namespace StressVm.Kernel;

/// <summary>The oracles' names (kernel-model.md A10), as scenario files and reports spell them.</summary>
public static class Invariants
{
    public const string UseAfterFree = "use-after-free";
    public const string LostWrite = "lost-write";
    public const string WriteToReadonly = "write-to-readonly";
    public const string StaleWritableTlb = "stale-writable-tlb";
    public const string Refcount = "refcount";
    public const string KernelWarn = "kernel-warn";
    public const string Deadlock = "deadlock";
    public const string Livelock = "livelock";

    public static readonly IReadOnlyList<string> All =
        [UseAfterFree, LostWrite, WriteToReadonly, StaleWritableTlb, Refcount, KernelWarn, Deadlock, Livelock];
}

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
    /// <summary>A signal no rule of do_user_addr_fault()/mm_fault_error() gives (or the wrong si_code).</summary>
    public const string UnexpectedSignal = "unexpected-signal";
    /// <summary>After munmap/madvise returned, a PTE or a successful access outside every VMA.</summary>
    public const string OutsideVma = "outside-vma";
    /// <summary>A scenario's outcomes/forbid clause does not hold for a schedule's final outcome vector.</summary>
    public const string UnexpectedOutcome = "unexpected-outcome";
    /// <summary>A fault wrote a PTE that changed since it read vmf->orig_pte (no pte_same()/pte_none() back-off under the PTL).</summary>
    public const string StaleOrigPte = "stale-orig-pte";
    /// <summary>tlb_finish_mmu() with mm_tlb_flush_nested() returned while a CPU still caches a translation (read-only or writable) from before it that no PTE backs.</summary>
    public const string StaleTlb = "stale-tlb";

    public static readonly IReadOnlyList<string> All =
        [UseAfterFree, LostWrite, WriteToReadonly, StaleWritableTlb, Refcount, KernelWarn, Deadlock, Livelock, UnexpectedSignal, OutsideVma, UnexpectedOutcome, StaleOrigPte, StaleTlb];
}

namespace StressVm.Kernel;

/// <summary>
/// The bug knobs under <c>stressvm.kernel.bugs</c>. Every knob defaults to false (upstream-correct,
/// v7.0-rc6); turning one on re-introduces exactly one historical broken behaviour (kernel-model.md part C).
/// </summary>
public sealed record KernelKnobs
{
    /// <summary>tlb_flush_mmu() frees the gathered pages before the TLB flush (breaks I-FREE).</summary>
    public bool MunmapFreeBeforeFlush { get; init; }

    /// <summary>page_vma_mkclean_one() clears and write-protects the PTE without flush_tlb_page().</summary>
    public bool WrprotectSkipFlush { get; init; }

    /// <summary>Every pte_same()/pte_none() re-check under the PTL is skipped.</summary>
    public bool FaultSkipPteRecheck { get; init; }

    /// <summary>lock_vma_under_rcu() returns the VMA without taking its read lock (munmap does not wait).</summary>
    public bool FaultIgnoreVmaLock { get; init; }

    /// <summary>B4: zap_pte_range() does not force a TLB flush for dirty shared PTEs before dropping the PTL.</summary>
    public bool ZapFlushAtBatchEnd { get; init; }

    /// <summary>B5: zap_pte_range() removes the rmap (mapcount) before the TLB flush.</summary>
    public bool ZapRmapBeforeFlush { get; init; }

    /// <summary>B10: tlb_finish_mmu() ignores mm_tlb_flush_nested() and flushes only its own range.</summary>
    public bool MadviseFlushOwnRangeOnly { get; init; }

    /// <summary>B13: the core drops the page lock between ->page_mkwrite and the PTE becoming dirty.</summary>
    public bool MkwriteUnlockBeforeDirty { get; init; }

    public static readonly KernelKnobs Upstream = new();

    /// <summary>Knob names as written under stressvm.kernel.bugs, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "munmap-free-before-flush", "wrprotect-skip-flush", "fault-skip-pte-recheck", "fault-ignore-vma-lock",
        "zap-flush-at-batch-end", "zap-rmap-before-flush", "madvise-flush-own-range-only", "mkwrite-unlock-before-dirty",
    ];

    public static bool IsKnob(string name) => Names.Contains(name);

    public bool Get(string name) => name switch
    {
        "munmap-free-before-flush" => MunmapFreeBeforeFlush,
        "wrprotect-skip-flush" => WrprotectSkipFlush,
        "fault-skip-pte-recheck" => FaultSkipPteRecheck,
        "fault-ignore-vma-lock" => FaultIgnoreVmaLock,
        "zap-flush-at-batch-end" => ZapFlushAtBatchEnd,
        "zap-rmap-before-flush" => ZapRmapBeforeFlush,
        "madvise-flush-own-range-only" => MadviseFlushOwnRangeOnly,
        "mkwrite-unlock-before-dirty" => MkwriteUnlockBeforeDirty,
        _ => throw new ArgumentException($"unknown kernel bug knob '{name}'; known: {string.Join(", ", Names)}"),
    };

    public KernelKnobs With(string name, bool on) => name switch
    {
        "munmap-free-before-flush" => this with { MunmapFreeBeforeFlush = on },
        "wrprotect-skip-flush" => this with { WrprotectSkipFlush = on },
        "fault-skip-pte-recheck" => this with { FaultSkipPteRecheck = on },
        "fault-ignore-vma-lock" => this with { FaultIgnoreVmaLock = on },
        "zap-flush-at-batch-end" => this with { ZapFlushAtBatchEnd = on },
        "zap-rmap-before-flush" => this with { ZapRmapBeforeFlush = on },
        "madvise-flush-own-range-only" => this with { MadviseFlushOwnRangeOnly = on },
        "mkwrite-unlock-before-dirty" => this with { MkwriteUnlockBeforeDirty = on },
        _ => throw new ArgumentException($"unknown kernel bug knob '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>The knobs that are on, comma-separated ("none" when upstream).</summary>
    public override string ToString()
    {
        var on = Names.Where(Get).ToList();
        return on.Count == 0 ? "none" : string.Join(",", on);
    }
}

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

    // --- driver bugs (issue 5; kernel-model.md A7-A9, B11, B14-B16, B19, B20) ---

    /// <summary>perf legacy mode: perf_mmap_fault() does not set page->mapping, so do_page_mkwrite() retries forever.</summary>
    public bool PerfLegacyNoMapping { get; init; }

    /// <summary>perf_mmap_pfn_mkwrite() makes any page writable, not only the user control page (pgoff 0).</summary>
    public bool PerfMkwriteAnyPage { get; init; }

    /// <summary>B20: perf has no vm_ops->may_split, so a partial munmap splits the buffer VMA (mmap_count leak).</summary>
    public bool PerfAllowSplit { get; init; }

    /// <summary>B14 (2010): fb_deferred_io_mkwrite() returns 0 instead of locking the page and returning VM_FAULT_LOCKED.</summary>
    public bool FbdefioMkwriteUnlocked { get; init; }

    /// <summary>B11: fb_deferred_io_fault() re-initialises the page's list entry without fbdefio->lock.</summary>
    public bool FbdefioFaultResetsList { get; init; }

    /// <summary>B15: page_mkwrite computes the pageref from address - vm_start (ignores vm_pgoff) and locks the wrong page.</summary>
    public bool FbdefioOffsetFromAddress { get; init; }

    /// <summary>insert_pfn(mkwrite) upgrades a present PTE in place without checking that its pfn matches.</summary>
    public bool DaxMkwriteSkipPteCheck { get; init; }

    /// <summary>B16: insert_pfn(mkwrite) WARNs on any pfn mismatch, also on the zero page (before f2c57d91b0d9).</summary>
    public bool DaxInsertStrictPfn { get; init; }

    /// <summary>B19: dax_writeback_one() write-protects only VMAs that map the entry's first index.</summary>
    public bool DaxWrprotectFirstIndexOnly { get; init; }

    // --- versions and settings (not bugs): stressvm.kernel.perf.mode etc. ---

    /// <summary>stressvm.kernel.perf.mode: "pfnmap" (v6.14+, b709eb872e19) or "legacy" (page_mkwrite, &lt;= v6.13).</summary>
    public string PerfMode { get; init; } = "pfnmap";

    /// <summary>stressvm.kernel.fbdefio.version: "v7.0" (mapping_wrprotect_range, no page lock) or "v6.14" (folio_lock + folio_mkclean).</summary>
    public string FbdefioVersion { get; init; } = "v7.0";

    /// <summary>stressvm.kernel.faultaround.old-ptes: arch_wants_old_prefaulted_pte() (arm64 with hardware AF: true; x86: false).</summary>
    public bool FaultaroundOldPtes { get; init; }

    /// <summary>stressvm.kernel.arch.hw-access-flag: the MMU sets the accessed bit itself; false = an access to an old PTE faults.</summary>
    public bool ArchHwAccessFlag { get; init; } = true;

    /// <summary>stressvm.kernel.debug-vm: CONFIG_DEBUG_VM's VM_BUG_ON checks fire as kernel-warn; false = a production kernel goes on.</summary>
    public bool DebugVm { get; init; } = true;

    public static readonly KernelKnobs Upstream = new();

    /// <summary>Setting names as written under stressvm.kernel (not bugs), in a fixed order.</summary>
    public static readonly IReadOnlyList<string> SettingNames = ["perf.mode", "fbdefio.version", "faultaround.old-ptes", "arch.hw-access-flag", "debug-vm"];

    public static bool IsSetting(string name) => SettingNames.Contains(name);

    /// <summary>Applies one setting (string value as written in HOCON); a bad value is an ArgumentException.</summary>
    public KernelKnobs WithSetting(string name, string value) => name switch
    {
        "perf.mode" => value is "pfnmap" or "legacy" ? this with { PerfMode = value } : throw new ArgumentException($"perf.mode must be pfnmap or legacy, found '{value}'"),
        "fbdefio.version" => value is "v6.14" or "v7.0" ? this with { FbdefioVersion = value } : throw new ArgumentException($"fbdefio.version must be v6.14 or v7.0, found '{value}'"),
        "faultaround.old-ptes" => this with { FaultaroundOldPtes = ParseBool(name, value) },
        "arch.hw-access-flag" => this with { ArchHwAccessFlag = ParseBool(name, value) },
        "debug-vm" => this with { DebugVm = ParseBool(name, value) },
        _ => throw new ArgumentException($"unknown kernel setting '{name}'; known: {string.Join(", ", SettingNames)}"),
    };

    public string GetSetting(string name) => name switch
    {
        "perf.mode" => PerfMode,
        "fbdefio.version" => FbdefioVersion,
        "faultaround.old-ptes" => FaultaroundOldPtes ? "true" : "false",
        "arch.hw-access-flag" => ArchHwAccessFlag ? "true" : "false",
        "debug-vm" => DebugVm ? "true" : "false",
        _ => throw new ArgumentException($"unknown kernel setting '{name}'; known: {string.Join(", ", SettingNames)}"),
    };

    /// <summary>Settings that differ from the defaults, "name=value" comma-separated ("" when none).</summary>
    public string SettingsString() =>
        string.Join(",", SettingNames.Where(n => GetSetting(n) != Upstream.GetSetting(n)).Select(n => $"{n}={GetSetting(n)}"));

    private static bool ParseBool(string name, string v) => v switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        _ => throw new ArgumentException($"{name} must be true or false, found '{v}'"),
    };

    /// <summary>Knob names as written under stressvm.kernel.bugs, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "munmap-free-before-flush", "wrprotect-skip-flush", "fault-skip-pte-recheck", "fault-ignore-vma-lock",
        "zap-flush-at-batch-end", "zap-rmap-before-flush", "madvise-flush-own-range-only", "mkwrite-unlock-before-dirty",
        "perf-legacy-no-mapping", "perf-mkwrite-any-page", "perf-allow-split",
        "fbdefio-mkwrite-unlocked", "fbdefio-fault-resets-list", "fbdefio-offset-from-address",
        "dax-mkwrite-skip-pte-check", "dax-insert-strict-pfn", "dax-wrprotect-first-index-only",
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
        "perf-legacy-no-mapping" => PerfLegacyNoMapping,
        "perf-mkwrite-any-page" => PerfMkwriteAnyPage,
        "perf-allow-split" => PerfAllowSplit,
        "fbdefio-mkwrite-unlocked" => FbdefioMkwriteUnlocked,
        "fbdefio-fault-resets-list" => FbdefioFaultResetsList,
        "fbdefio-offset-from-address" => FbdefioOffsetFromAddress,
        "dax-mkwrite-skip-pte-check" => DaxMkwriteSkipPteCheck,
        "dax-insert-strict-pfn" => DaxInsertStrictPfn,
        "dax-wrprotect-first-index-only" => DaxWrprotectFirstIndexOnly,
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
        "perf-legacy-no-mapping" => this with { PerfLegacyNoMapping = on },
        "perf-mkwrite-any-page" => this with { PerfMkwriteAnyPage = on },
        "perf-allow-split" => this with { PerfAllowSplit = on },
        "fbdefio-mkwrite-unlocked" => this with { FbdefioMkwriteUnlocked = on },
        "fbdefio-fault-resets-list" => this with { FbdefioFaultResetsList = on },
        "fbdefio-offset-from-address" => this with { FbdefioOffsetFromAddress = on },
        "dax-mkwrite-skip-pte-check" => this with { DaxMkwriteSkipPteCheck = on },
        "dax-insert-strict-pfn" => this with { DaxInsertStrictPfn = on },
        "dax-wrprotect-first-index-only" => this with { DaxWrprotectFirstIndexOnly = on },
        _ => throw new ArgumentException($"unknown kernel bug knob '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>The knobs that are on, comma-separated ("none" when upstream).</summary>
    public override string ToString()
    {
        var on = Names.Where(Get).ToList();
        return on.Count == 0 ? "none" : string.Join(",", on);
    }
}

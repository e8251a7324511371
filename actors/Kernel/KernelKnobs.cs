namespace StressVm.Kernel;

/// <summary>
/// The kernel model's knobs: bug knobs under <c>stressvm.kernel.bugs</c> (every one defaults to false, upstream
/// v7.0-rc6; turning one on re-introduces exactly one historical broken behaviour, kernel-model.md part C) and
/// settings under <c>stressvm.kernel</c> (driver versions, arch behaviour: every value is a real kernel).
/// The model reads the typed properties; everything that goes by name (HOCON, scenario pins, -D overrides,
/// schedule headers) goes through the one table <see cref="All"/>. Adding a knob: a property, a row in
/// <see cref="All"/>, its key with a comment in HOCON.conf, and the scenario that pins it (tests derive the rest).
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

    /// <summary>B20: perf has no vm_ops->may_split, so a partial munmap splits the buffer VMA (aux_mmap_count taken on 0, leaked).</summary>
    public bool PerfAllowSplit { get; init; }

    /// <summary>B14 (2010): fb_deferred_io_mkwrite() returns 0 instead of locking the page and returning VM_FAULT_LOCKED.</summary>
    public bool FbdefioMkwriteUnlocked { get; init; }

    /// <summary>B11: fb_deferred_io_fault() re-initialises the page's list entry without fbdefio->lock.</summary>
    public bool FbdefioFaultResetsList { get; init; }

    /// <summary>B15: page_mkwrite computes the pageref from address - vm_start (ignores vm_pgoff) and locks the wrong page.</summary>
    public bool FbdefioOffsetFromAddress { get; init; }

    /// <summary>The mkwrite insert (insert_pfn at v6.14, insert_page_into_pte_locked at v7.0) upgrades a present PTE without checking its pfn.</summary>
    public bool DaxMkwriteSkipPteCheck { get; init; }

    /// <summary>B16: the mkwrite insert WARNs on any pfn mismatch, also on the zero page (the 2017 rule, before f2c57d91b0d9).</summary>
    public bool DaxInsertStrictPfn { get; init; }

    /// <summary>B19: dax_writeback_one() write-protects only VMAs that map the entry's first index.</summary>
    public bool DaxWrprotectFirstIndexOnly { get; init; }

    /// <summary>B18: dup_mmap() does not vma_start_write() the parent's VMAs (before fb49c455323f).</summary>
    public bool ForkNoVmaWriteLock { get; init; }

    // --- settings (not bugs): each value is a real kernel ---

    /// <summary>stressvm.kernel.perf.mode.</summary>
    public PerfMode PerfMode { get; init; } = PerfMode.Pfnmap;

    /// <summary>stressvm.kernel.fbdefio.version.</summary>
    public FbdefioVersion FbdefioVersion { get; init; } = FbdefioVersion.V7_0;

    /// <summary>stressvm.kernel.fbdefio.backing.</summary>
    public FbdefioBacking FbdefioBacking { get; init; } = FbdefioBacking.Pages;

    /// <summary>stressvm.kernel.dax.version.</summary>
    public DaxVersion DaxVersion { get; init; } = DaxVersion.V7_0;

    /// <summary>stressvm.kernel.faultaround.old-ptes: arch_wants_old_prefaulted_pte() (arm64 with hardware AF: true; x86: false).</summary>
    public bool FaultaroundOldPtes { get; init; }

    /// <summary>stressvm.kernel.arch.hw-access-flag: the MMU sets the accessed bit itself; false = an access to an old PTE faults.</summary>
    public bool ArchHwAccessFlag { get; init; } = true;

    /// <summary>stressvm.kernel.debug-vm: CONFIG_DEBUG_VM's VM_BUG_ON checks fire as kernel-warn; false = a production kernel goes on.</summary>
    public bool DebugVm { get; init; } = true;

    public static readonly KernelKnobs Upstream = new();

    /// <summary>Where bug knobs live in HOCON.</summary>
    public const string BugsPath = "stressvm.kernel.bugs";

    /// <summary>Where settings live in HOCON.</summary>
    public const string SettingsPath = "stressvm.kernel";

    /// <summary>Every knob and setting, bugs first, in a fixed order (the order of HOCON.conf and of schedule headers).</summary>
    public static readonly IReadOnlyList<KernelKnob> All =
    [
        KernelKnob.Bug("munmap-free-before-flush", "tlb_flush_mmu() frees the gathered pages before the TLB flush (breaks I-FREE)",
            k => k.MunmapFreeBeforeFlush, (k, v) => k with { MunmapFreeBeforeFlush = v }),
        KernelKnob.Bug("wrprotect-skip-flush", "page_vma_mkclean_one() write-protects the PTE without flush_tlb_page()",
            k => k.WrprotectSkipFlush, (k, v) => k with { WrprotectSkipFlush = v }),
        KernelKnob.Bug("fault-skip-pte-recheck", "every pte_same()/pte_none() re-check under the PTL is skipped",
            k => k.FaultSkipPteRecheck, (k, v) => k with { FaultSkipPteRecheck = v }),
        KernelKnob.Bug("fault-ignore-vma-lock", "lock_vma_under_rcu() returns the VMA without taking its read lock",
            k => k.FaultIgnoreVmaLock, (k, v) => k with { FaultIgnoreVmaLock = v }),
        KernelKnob.Bug("zap-flush-at-batch-end", "B4: zap_pte_range() does not force a TLB flush for dirty shared PTEs before dropping the PTL",
            k => k.ZapFlushAtBatchEnd, (k, v) => k with { ZapFlushAtBatchEnd = v }),
        KernelKnob.Bug("zap-rmap-before-flush", "B5: zap_pte_range() removes the rmap before the TLB flush",
            k => k.ZapRmapBeforeFlush, (k, v) => k with { ZapRmapBeforeFlush = v }),
        KernelKnob.Bug("madvise-flush-own-range-only", "B10: tlb_finish_mmu() ignores mm_tlb_flush_nested()",
            k => k.MadviseFlushOwnRangeOnly, (k, v) => k with { MadviseFlushOwnRangeOnly = v }),
        KernelKnob.Bug("mkwrite-unlock-before-dirty", "B13: the page lock is dropped between ->page_mkwrite and the PTE becoming dirty",
            k => k.MkwriteUnlockBeforeDirty, (k, v) => k with { MkwriteUnlockBeforeDirty = v }),
        KernelKnob.Bug("perf-legacy-no-mapping", "legacy perf_mmap_fault() does not set page->mapping: do_page_mkwrite() retries forever",
            k => k.PerfLegacyNoMapping, (k, v) => k with { PerfLegacyNoMapping = v }),
        KernelKnob.Bug("perf-mkwrite-any-page", "perf_mmap_pfn_mkwrite() makes any page writable, not only the control page",
            k => k.PerfMkwriteAnyPage, (k, v) => k with { PerfMkwriteAnyPage = v }),
        KernelKnob.Bug("perf-allow-split", "B20: perf has no vm_ops->may_split (b024d7b56c77)",
            k => k.PerfAllowSplit, (k, v) => k with { PerfAllowSplit = v }),
        KernelKnob.Bug("fbdefio-mkwrite-unlocked", "B14: fb_deferred_io_mkwrite() returns 0 without locking the page",
            k => k.FbdefioMkwriteUnlocked, (k, v) => k with { FbdefioMkwriteUnlocked = v }),
        KernelKnob.Bug("fbdefio-fault-resets-list", "B11: fb_deferred_io_fault() re-initialises the list entry without fbdefio->lock (856082f021a2)",
            k => k.FbdefioFaultResetsList, (k, v) => k with { FbdefioFaultResetsList = v }),
        KernelKnob.Bug("fbdefio-offset-from-address", "B15: the pageref comes from address - vm_start, ignoring vm_pgoff (78d9161d2bcd)",
            k => k.FbdefioOffsetFromAddress, (k, v) => k with { FbdefioOffsetFromAddress = v }),
        KernelKnob.Bug("dax-mkwrite-skip-pte-check", "the mkwrite insert upgrades a present PTE without checking its pfn",
            k => k.DaxMkwriteSkipPteCheck, (k, v) => k with { DaxMkwriteSkipPteCheck = v }),
        KernelKnob.Bug("dax-insert-strict-pfn", "B16: the mkwrite insert WARNs on any pfn mismatch, also the zero page (before f2c57d91b0d9)",
            k => k.DaxInsertStrictPfn, (k, v) => k with { DaxInsertStrictPfn = v }),
        KernelKnob.Bug("dax-wrprotect-first-index-only", "B19: dax_writeback_one() write-protects only VMAs mapping the first index (06083a0921fd)",
            k => k.DaxWrprotectFirstIndexOnly, (k, v) => k with { DaxWrprotectFirstIndexOnly = v }),
        KernelKnob.Bug("fork-no-vma-write-lock", "B18: dup_mmap() does not write-lock the parent's VMAs, so a fault under the VMA lock runs on a VMA being copied (fb49c455323f)",
            k => k.ForkNoVmaWriteLock, (k, v) => k with { ForkNoVmaWriteLock = v }),

        KernelKnob.Choice("perf.mode", "perf ring-buffer mmap: pfnmap (v6.14+), legacy (<= v6.13), or the list's alternatives mixedmap, mixedmap-prot, mixedmap-typed",
            [(PerfMode.Pfnmap, "pfnmap"), (PerfMode.Legacy, "legacy"), (PerfMode.Mixedmap, "mixedmap"), (PerfMode.MixedmapProt, "mixedmap-prot"), (PerfMode.MixedmapTyped, "mixedmap-typed")],
            k => k.PerfMode, (k, v) => k with { PerfMode = v }),
        KernelKnob.Choice("fbdefio.version", "fb_defio: v7.0 (mapping_wrprotect_range) or v6.14 (folio_lock + folio_mkclean)",
            [(FbdefioVersion.V7_0, "v7.0"), (FbdefioVersion.V6_14, "v6.14")], k => k.FbdefioVersion, (k, v) => k with { FbdefioVersion = v }),
        KernelKnob.Choice("fbdefio.backing", "fb_defio display memory: pages (struct pages) or pfn (no struct page: VM_PFNMAP, pfn_mkwrite)",
            [(FbdefioBacking.Pages, "pages"), (FbdefioBacking.Pfn, "pfn")], k => k.FbdefioBacking, (k, v) => k with { FbdefioBacking = v }),
        KernelKnob.Choice("dax.version", "fsdax insert: v7.0 (vmf_insert_page_mkwrite, normal PTEs) or v6.14 (insert_pfn, special PTEs)",
            [(DaxVersion.V7_0, "v7.0"), (DaxVersion.V6_14, "v6.14")], k => k.DaxVersion, (k, v) => k with { DaxVersion = v }),
        KernelKnob.Switch("faultaround.old-ptes", "arch_wants_old_prefaulted_pte(): fault-around maps neighbours old",
            k => k.FaultaroundOldPtes, (k, v) => k with { FaultaroundOldPtes = v }),
        KernelKnob.Switch("arch.hw-access-flag", "the MMU sets the accessed bit itself (false: an old PTE takes an access-flag fault)",
            k => k.ArchHwAccessFlag, (k, v) => k with { ArchHwAccessFlag = v }),
        KernelKnob.Switch("debug-vm", "CONFIG_DEBUG_VM: VM_BUG_ON checks fire as kernel-warn",
            k => k.DebugVm, (k, v) => k with { DebugVm = v }),
    ];

    private static readonly Dictionary<string, KernelKnob> BugByName = All.Where(k => k.Kind == KnobKind.Bug).ToDictionary(k => k.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, KernelKnob> SettingByName = All.Where(k => k.Kind == KnobKind.Setting).ToDictionary(k => k.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, KernelKnob> ByPath = All.ToDictionary(k => k.Path, StringComparer.Ordinal);

    /// <summary>Bug knob names as written under stressvm.kernel.bugs, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> Names = All.Where(k => k.Kind == KnobKind.Bug).Select(k => k.Name).ToArray();

    /// <summary>Setting names as written under stressvm.kernel (not bugs), in a fixed order.</summary>
    public static readonly IReadOnlyList<string> SettingNames = All.Where(k => k.Kind == KnobKind.Setting).Select(k => k.Name).ToArray();

    /// <summary>Every full HOCON path (stressvm.kernel.bugs.X and stressvm.kernel.Y), in a fixed order.</summary>
    public static readonly IReadOnlyList<string> Paths = All.Select(k => k.Path).ToArray();

    public static bool IsKnob(string name) => BugByName.ContainsKey(name);

    public static bool IsSetting(string name) => SettingByName.ContainsKey(name);

    /// <summary>The bug knob named <paramref name="name"/>; an unknown name is an ArgumentException naming the nearest.</summary>
    public static KernelKnob Bug(string name) =>
        BugByName.TryGetValue(name, out var k) ? k : throw new ArgumentException(Unknown("kernel bug knob", name, Names));

    /// <summary>The setting named <paramref name="name"/>; an unknown name is an ArgumentException naming the nearest.</summary>
    public static KernelKnob Setting(string name) =>
        SettingByName.TryGetValue(name, out var k) ? k : throw new ArgumentException(Unknown("kernel setting", name, SettingNames));

    /// <summary>The knob or setting at a full HOCON path, or null.</summary>
    public static KernelKnob? AtPath(string path) => ByPath.GetValueOrDefault(path);

    public bool Get(string name) => Bug(name).Format(this) == "true";

    public KernelKnobs With(string name, bool on) => Bug(name).Apply(this, on ? "true" : "false");

    /// <summary>Applies one setting (string value as written in HOCON); a bad name or value is an ArgumentException.</summary>
    public KernelKnobs WithSetting(string name, string value) => Setting(name).Apply(this, value);

    public string GetSetting(string name) => Setting(name).Format(this);

    /// <summary>Every knob and setting whose value differs from <see cref="Upstream"/>, in table order.</summary>
    public IEnumerable<(KernelKnob Knob, string Value)> Differences() =>
        All.Select(k => (Knob: k, Value: k.Format(this))).Where(d => d.Value != d.Knob.Default);

    /// <summary>Settings that differ from the defaults, "name=value" comma-separated ("" when none).</summary>
    public string SettingsString() =>
        string.Join(",", Differences().Where(d => d.Knob.Kind == KnobKind.Setting).Select(d => $"{d.Knob.Name}={d.Value}"));

    /// <summary>The knobs that are on, comma-separated ("none" when upstream).</summary>
    public override string ToString()
    {
        var on = Names.Where(Get).ToList();
        return on.Count == 0 ? "none" : string.Join(",", on);
    }

    /// <summary>
    /// Why this combination is no kernel (null: it is one). arm64's arch_wants_old_prefaulted_pte() is
    /// cpu_has_hw_af() (arch/arm64/include/asm/pgtable.h, 0388f9c74330), and x86 prefaults young: old prefaulted
    /// PTEs without a hardware access flag exist on no architecture.
    /// </summary>
    public string? Contradiction() =>
        FaultaroundOldPtes && !ArchHwAccessFlag
            ? "faultaround.old-ptes = true needs arch.hw-access-flag = true: arm64's arch_wants_old_prefaulted_pte() is cpu_has_hw_af(), " +
              "and no other architecture prefaults old PTEs"
            : FbdefioBacking == FbdefioBacking.Pfn && FbdefioVersion == FbdefioVersion.V6_14
            ? "fbdefio.backing = pfn needs fbdefio.version = \"v7.0\": v6.14's worker calls folio_lock and folio_mkclean, which need a struct page, " +
              "and only v6.15+ has the pfn-only mapping_wrprotect_range"
            : null;

    /// <summary>This, or a <see cref="KernelKnobsException"/> saying why the combination is no kernel.</summary>
    public KernelKnobs Checked() => Contradiction() is { } why ? throw new KernelKnobsException($"stressvm.kernel: {why}") : this;

    /// <summary>"unknown WHAT 'x'; did you mean 'y'? known: ...".</summary>
    public static string Unknown(string what, string name, IReadOnlyList<string> known)
    {
        string? near = known.OrderBy(n => Distance(n, name)).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
        string hint = near is not null && Distance(near, name) <= Math.Max(2, name.Length / 3) ? $"; did you mean '{near}'?" : "";
        return $"unknown {what} '{name}'{hint} known: {string.Join(", ", known)}";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) d[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int prev = d[0];
            d[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int t = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                prev = t;
            }
        }
        return d[b.Length];
    }
}

/// <summary>Kernel settings that no kernel combines (bad input, exit 2; not a defect of StressVm).</summary>
public sealed class KernelKnobsException(string message) : ArgumentException(message);

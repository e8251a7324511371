namespace StressVm.Kernel;

/// <summary>
/// An mm_struct: the VMA tree (a sorted list stands for the maple tree), the page tables, mmap_lock with
/// its mm_lock_seq, tlb_flush_pending and the CPUs running threads of this mm (mm_cpumask).
/// </summary>
public sealed class MmStruct
{
    private readonly KernelState _k;

    public MmStruct(KernelState k, string name, int tables)
    {
        _k = k;
        Name = name;
        Tables = new PageTable[tables];
        for (int i = 0; i < tables; i++) Tables[i] = new PageTable(i);
        MmapLock = new LockState($"mmap_lock({name})", LockKind.RwSem);
    }

    public string Name { get; }
    /// <summary>The VMA tree: VMAs sorted by start, none overlapping.</summary>
    public List<Vma> Vmas { get; } = new();
    /// <summary>Every VMA ever created in this run (for reset and reports), including detached ones.</summary>
    public List<Vma> AllVmas { get; } = new();
    public PageTable[] Tables { get; }
    public LockState MmapLock { get; }
    /// <summary>mm->mm_lock_seq: bumped by mmap_write_lock and by mmap_write_unlock/downgrade.</summary>
    public long MmLockSeq;
    /// <summary>mm->tlb_flush_pending (inc in tlb_gather_mmu, dec in tlb_finish_mmu).</summary>
    public int TlbFlushPending;
    public List<CpuActor> Cpus { get; } = new();
    /// <summary>mm_users: threads still running this mm; the last exit tears it down (exit_mmap). Set per run.</summary>
    public int Users;
    /// <summary>exit_mmap() ran: the VMA tree and page tables are gone.</summary>
    public bool Dead;

    public int MaxVpn => Tables.Length * PageTable.PtrsPerPte;

    internal void Reset()
    {
        Vmas.Clear();
        AllVmas.Clear();
        foreach (var t in Tables) t.Reset();
        MmapLock.Reset();
        MmLockSeq = 0;
        TlbFlushPending = 0;
        Users = Cpus.Count;
        Dead = false;
    }

    /// <summary>find_vma / mas_walk: the VMA containing <paramref name="vpn"/>, or null.</summary>
    public Vma? FindVma(int vpn)
    {
        var v = Vmas;
        for (int i = 0; i < v.Count; i++)
            if (v[i].Contains(vpn)) return v[i];
        return null;
    }

    /// <summary>True when VMAs cover every page of [start, end): else madvise, mprotect and msync return -ENOMEM.</summary>
    public bool FullyMapped(int start, int end)
    {
        for (int vpn = start; vpn < end; vpn++)
            if (FindVma(vpn) is null) return false;
        return true;
    }

    public void InsertVma(Vma vma)
    {
        int i = 0;
        while (i < Vmas.Count && Vmas[i].Start < vma.Start) i++;
        Vmas.Insert(i, vma);
        if (!AllVmas.Contains(vma)) AllVmas.Add(vma);
    }

    public PageTable TableOf(int vpn) => Tables[vpn / PageTable.PtrsPerPte];

    /// <summary>ptep_get(): the PTE for <paramref name="vpn"/>.</summary>
    public Pte GetPte(int vpn) => Tables[vpn / PageTable.PtrsPerPte].Ptes[vpn % PageTable.PtrsPerPte];

    /// <summary>
    /// set_pte_at()/ptep_get_and_clear(): the only way software changes a PTE. Keeps the oracles' truth
    /// (PteMaps per frame) and gives the new PTE a fresh generation.
    /// </summary>
    public void SetPte(int vpn, Pte pte, int actor)
    {
        var table = Tables[vpn / PageTable.PtrsPerPte];
        int index = vpn % PageTable.PtrsPerPte;
        ref Pte slot = ref table.Ptes[index];
        if (index >= table.Used) table.Used = index + 1;
        if (index < table.Low) table.Low = index;
        if (slot.Present && !slot.Special)
        {
            var old = _k.FrameAt(slot.Pfn);
            old.PteMaps--;
            _k.Touch(old);
        }
        if (pte.Present)
        {
            pte.Id = ++_k.PteGeneration;
            var f = _k.FrameAt(pte.Pfn);
            if (!pte.Special)
            {
                f.PteMaps++;
                _k.Touch(f);
            }
            _k.Emit(new KernelEvent(EventKind.PteInstalled, actor, f, vpn, this));
        }
        slot = pte;
    }

    /// <summary>Hardware A/D update during a walk: same PTE, so the generation is kept.</summary>
    internal ref Pte PteRef(int vpn) => ref Tables[vpn / PageTable.PtrsPerPte].Ptes[vpn % PageTable.PtrsPerPte];
}

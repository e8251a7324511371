using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// The write-protect rmap walks of mm/rmap.c (A5): folio_mkclean, mapping_wrprotect_range and
/// pfn_mkclean_range, all ending in page_vma_mkclean_one(). No mm locks: i_mmap_rwsem, then each PTL.
/// </summary>
public static class Rmap
{
    /// <summary>folio_mkclean(): the folio must be locked; an unmapped folio returns at once.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> FolioMkclean(KernelActor cur, Frame folio)
    {
        if (!cur.HoldsFolioLock(folio)) cur.K.Warn(cur.ActorId, "folio_mkclean: BUG_ON(!folio_test_locked(folio))", folio);
        Start(cur, "folio_mkclean", folio);
        if (folio.Mapcount <= 0) { cur.Walk.FolioUnmapped = true; return Done(cur, 0); } // !folio_mapped(folio)
        if (folio.Mapping is null) return Done(cur, 0);  // !folio_mapping(folio)
        int cleaned = await RmapWalkFile(cur, folio.Mapping, folio.Index, 1, folio.Pfn).ConfigureAwait(false);
        return Done(cur, cleaned);
    }

    /// <summary>mapping_wrprotect_range(): no folio, no page lock; the caller names mapping, pgoff and pfn.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> MappingWrprotectRange(KernelActor cur, AddressSpace mapping, int pgoff, int pfn, int nrPages)
    {
        Start(cur, "mapping_wrprotect_range", cur.K.FrameAt(pfn), nrPages);
        int cleaned = await RmapWalkFile(cur, mapping, pgoff, nrPages, pfn).ConfigureAwait(false);
        return Done(cur, cleaned);
    }

    /// <summary>pfn_mkclean_range(): one VMA; the caller holds i_mmap_rwsem and iterates the VMAs (DAX).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> PfnMkcleanRange(KernelActor cur, int pfn, int nrPages, int pgoff, Vma vma)
    {
        if (!vma.IsShared) return 0; // invalid_mkclean_vma
        int cleaned = 0;
        for (int i = 0; i < nrPages; i++)
        {
            int vpn = vma.Start + (pgoff + i - vma.Pgoff);
            if (vma.Contains(vpn)) cleaned += await PageVmaMkcleanOne(cur, vma, vpn, pfn + i).ConfigureAwait(false);
        }
        return cleaned;
    }

    /// <summary>Reports the end of a walk started with cur.Walk.Start (callers of pfn_mkclean_range).</summary>
    /// <summary>A write-protect walk begins: recorded for the oracles, and a span on the walker's lane.</summary>
    public static void Start(KernelActor cur, string walker, Frame? frame, int pages = 1)
    {
        cur.Walk.Start(walker, frame, pages);
        if (cur.Tracing) cur.Begin(walker, frame is null ? null : $"{frame} x{pages}");
    }

    public static int Done(KernelActor cur, int cleaned)
    {
        cur.K.Emit(new KernelEvent(EventKind.WalkDone, cur.ActorId, cur.Walk.Frame, -1, cur.Walk));
        if (cur.Tracing) cur.End(cur.Walk.Walker, $"{cleaned} PTE(s) write-protected");
        return cleaned;
    }

    /// <summary>
    /// __rmap_walk_file(): i_mmap_trylock_read, else i_mmap_lock_read; every VMA of i_mmap overlapping
    /// [pgoff, pgoff + nr) except those invalid_mkclean_vma() rejects (not VM_SHARED).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> RmapWalkFile(KernelActor cur, AddressSpace mapping, int pgoff, int nrPages, int pfn)
    {
        var l = mapping.IMmapRwsem;
        if (!(await cur.TryLock(l, LockMode.TryRead)).IsGranted) await cur.Lock(l, LockMode.Read);
        int cleaned = 0;
        var list = mapping.IMmap; // stable: i_mmap changes need i_mmap_rwsem for write
        for (int i = 0; i < list.Count; i++)
        {
            var vma = list[i];
            if (!vma.IsShared) continue;
            for (int j = 0; j < nrPages; j++)
            {
                int vpn = vma.Start + (pgoff + j - vma.Pgoff);
                if (vma.Contains(vpn)) cleaned += await PageVmaMkcleanOne(cur, vma, vpn, pfn + j).ConfigureAwait(false);
            }
        }
        cur.Unlock(l);
        return cleaned;
    }

    /// <summary>
    /// page_vma_mkclean_one() for one PTE, PVMW_SYNC: under the PTL, skip absent or clean read-only PTEs,
    /// else ptep_clear_flush (flush_tlb_page under the PTL), pte_wrprotect, pte_mkclean, set_pte_at.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> PageVmaMkcleanOne(KernelActor cur, Vma vma, int vpn, int pfn)
    {
        var mm = vma.Mm;
        await cur.PteLock(mm, vpn);
        var pte = mm.GetPte(vpn);
        if (!pte.Present || pte.Pfn != pfn || (!pte.Dirty && !pte.Write))
        {
            cur.PteUnlock(mm, vpn);
            return 0;
        }
        mm.SetPte(vpn, Pte.None, cur.ActorId);
        // Knob wrprotect-skip-flush: other CPUs keep their writable TLB entries.
        if (!cur.K.Knobs.WrprotectSkipFlush) await cur.FlushTlbPage(mm, vpn).ConfigureAwait(false);
        pte.Write = false;
        pte.Dirty = false;
        mm.SetPte(vpn, pte, cur.ActorId);
        cur.Walk.Cleaned.Add((mm, vpn));
        cur.PteUnlock(mm, vpn);
        cur.Event("mkclean", $"{vma.Name} {vpn:x}");
        return 1;
    }
}

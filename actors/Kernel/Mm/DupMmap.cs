using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// fork(2)'s copy of the address space: copy_mm -&gt; dup_mm -&gt; dup_mmap (mm/mmap.c, v7.0-rc6 l.1732) with both
/// mmap_locks held for writing: for each parent VMA vma_start_write (fb49c455323f, B18: a fault under the per-VMA
/// lock must not run on a VMA being copied; knob fork-no-vma-write-lock drops it), skip VM_DONTCOPY (perf),
/// vm_area_dup + anon_vma_fork (the child gets an anon_vma only if the parent's VMA has one), vma_iter_bulk_store,
/// vm_ops-&gt;open, the child VMA into i_mmap after its parent's, and copy_page_range when vma_needs_copy (an
/// anon_vma, or VM_PFNMAP/VM_MIXEDMAP); then flush_tlb_mm(oldmm) before mmap_write_unlock(oldmm).
/// </summary>
public static class DupMmap
{
    /// <summary>Copies <paramref name="oldmm"/> into the empty <paramref name="mm"/>; returns 0.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Fork(KernelActor cur, MmStruct oldmm, MmStruct mm)
    {
        var k = cur.K;
        cur.Begin("dup_mmap", $"{oldmm.Name} -> {mm.Name}");
        await cur.Lock(oldmm.MmapLock, LockMode.Write); // mmap_write_lock_killable(oldmm)
        oldmm.MmLockSeq++;
        await cur.Lock(mm.MmapLock, LockMode.Write);    // mmap_write_lock_nested(mm)
        mm.MmLockSeq++;
        var parents = new List<Vma>(oldmm.Vmas);        // for_each_vma: the tree does not change under mmap_lock(W)
        foreach (var mpnt in parents)
        {
            if (!k.Knobs.ForkNoVmaWriteLock) await cur.VmaStartWrite(mpnt); // vma_start_write_killable(mpnt)
            if ((mpnt.Flags & VmFlags.DontCopy) != 0) continue;
            var tmp = new Vma // vm_area_dup
            {
                Name = mpnt.Name, Mm = mm, Start = mpnt.Start, End = mpnt.End, Flags = mpnt.Flags, Ops = mpnt.Ops,
                Pgoff = mpnt.Pgoff, Mapping = mpnt.Mapping, PageProt = mpnt.PageProt,
            };
            tmp.ResetLock();
            tmp.AnonVma = mpnt.AnonVma; // anon_vma_fork(): nothing to clone when the parent has none
            // Another CPU runs in parallel with the copy: the model lets it in between the steps of the loop.
            await cur.MaybePreempted().ConfigureAwait(false);
            mm.InsertVma(tmp);          // vma_iter_bulk_store
            tmp.Ops?.Open(cur, tmp);    // vm_ops->open
            if (tmp.Mapping is { } mapping) // vma_interval_tree_insert_after under i_mmap_lock_write
            {
                await cur.Lock(mapping.IMmapRwsem, LockMode.Write);
                mapping.IMmap.Add(tmp);
                await cur.UnlockWake(mapping.IMmapRwsem).ConfigureAwait(false);
            }
            if (VmaNeedsCopy(mpnt)) await CopyPageRange(cur, tmp, mpnt).ConfigureAwait(false);
        }
        mm.MmLockSeq++;
        cur.Unlock(mm.MmapLock);                        // mmap_write_unlock(mm)
        await cur.FlushTlbRange(oldmm, 0, oldmm.MaxVpn).ConfigureAwait(false); // flush_tlb_mm(oldmm)
        oldmm.MmLockSeq++;
        await cur.UnlockWake(oldmm.MmapLock).ConfigureAwait(false); // mmap_write_unlock(oldmm)
        cur.End("dup_mmap");
        return 0;
    }

    /// <summary>vma_needs_copy() (mm/memory.c l.1479): VM_PFNMAP/VM_MIXEDMAP, or an anon_vma ("page tables which
    /// naturally cannot be reconstituted on page fault"); a shared file mapping is refilled by faults.</summary>
    private static bool VmaNeedsCopy(Vma src) => (src.Flags & (VmFlags.PfnMap | VmFlags.MixedMap)) != 0 || src.AnonVma;

    /// <summary>
    /// copy_page_range -&gt; copy_pte_range (one PTE table at a time, the child's PTL then the parent's) -&gt;
    /// copy_present_ptes: special PTEs are copied as they are; a page gets a reference and a mapcount, and in a COW
    /// mapping (private, writable) both PTEs lose write (wrprotect_ptes on the parent). The child's PTE is old, and
    /// clean in a shared mapping. No flush here: dup_mmap flushes the parent at the end.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask CopyPageRange(KernelActor cur, Vma dst, Vma src)
    {
        var k = cur.K;
        bool cow = !src.IsShared && src.IsWritable; // is_cow_mapping (VM_MAYWRITE: the model's VM_WRITE)
        for (int lo = src.Start; lo < src.End;)
        {
            int hi = Math.Min(src.End, lo - lo % PageTable.PtrsPerPte + PageTable.PtrsPerPte);
            await cur.PteLock(dst.Mm, lo); // pte_alloc_map_lock(dst_mm)
            await cur.PteLock(src.Mm, lo); // spin_lock_nested(src_ptl)
            for (int vpn = lo; vpn < hi; vpn++)
            {
                var pte = src.Mm.GetPte(vpn);
                if (!pte.Present) continue;
                if (!pte.Special)
                {
                    var folio = k.FrameAt(pte.Pfn);
                    if (folio.Anon && !dst.AnonVma)
                        k.Emit(new KernelEvent(EventKind.RmapInconsistent, cur.ActorId, folio, vpn, dst,
                            Detail: $"copy_page_range copied anonymous {folio} at {vpn:x} into the child's {dst.Name}, which has no anon_vma " +
                                    $"(anon_vma_fork saw none: a fault under the VMA lock prepared one meanwhile): the rmap cannot reach this mapping"));
                    k.FolioGet(folio);
                    k.FolioAddRmap(folio); // folio_try_dup_anon_rmap_ptes / folio_dup_file_rmap_ptes
                    if (cow && pte.Write)
                    {
                        var wp = pte;
                        wp.Write = false;
                        src.Mm.SetPte(vpn, wp, cur.ActorId); // wrprotect_ptes(src_mm): the parent's TLB keeps W until flush_tlb_mm
                        pte.Write = false;
                    }
                }
                if (src.IsShared) pte.Dirty = false; // pte_mkclean
                pte.Young = false;                   // pte_mkold
                dst.Mm.SetPte(vpn, pte, cur.ActorId);
            }
            cur.PteUnlock(src.Mm, lo);
            cur.PteUnlock(dst.Mm, lo);
            lo = hi;
        }
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// mmap(2) with MAP_FIXED at run time: vm_mmap_pgoff -&gt; do_mmap -&gt; mmap_region -&gt; __mmap_region (mm/vma.c,
/// v7.0-rc6 l.2720), all under mmap_lock held for writing (no downgrade, unlike munmap):
/// __mmap_setup (vms_gather_munmap_vmas: split, write-lock and detach what the range overlaps; vms_clean_up_area:
/// unmap_region clears its PTEs and unlinks it from i_mmap, then vm_ops-&gt;close), __mmap_new_vma (vm_page_prot =
/// vm_get_page_prot(vm_flags), the driver's f_op-&gt;mmap, vma_start_write, vma_iter_store_new, vma_link_file),
/// __mmap_complete (remove_vma of the old VMAs, vma_set_page_prot: vma_wants_writenotify drops write from
/// vm_page_prot only now, after -&gt;mmap). The model never merges the new VMA with a neighbour (vma_merge_new_range).
/// </summary>
public static class MmapSyscall
{
    /// <summary>Returns 0 (the kernel returns the address), or the driver's or may_split's negative errno.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Mmap(KernelActor cur, MmStruct mm, MmapRequest req)
    {
        var k = cur.K;
        int start = req.Start, end = req.End;
        var zap = cur.Zap; // the stale-TLB check when mmap returns, as for munmap
        zap.Begin(k, mm, start, end, "mmap(MAP_FIXED)");
        cur.Begin("mmap", $"{req.Name} [{start:x}-{end:x}) MAP_FIXED");
        await cur.Lock(mm.MmapLock, LockMode.Write); // vm_mmap_pgoff: mmap_write_lock_killable
        mm.MmLockSeq++;                               // mm_lock_seqcount_begin
        // __mmap_setup -> vms_gather_munmap_vmas(): MAP_FIXED over existing VMAs unmaps them inside mmap.
        if (!await SplitVma.SplitForRange(cur, mm, start, end).ConfigureAwait(false))
            return await Unlock(cur, mm, -Errnos.EINVAL, "EINVAL (may_split)").ConfigureAwait(false);
        var old = new List<Vma>(); // mas_detach (a side tree in the kernel)
        foreach (var v in mm.Vmas)
            if (v.Start < end && v.End > start) old.Add(v);
        foreach (var v in old)
        {
            await cur.VmaStartWrite(v); // waits for in-flight VMA-locked faults
            v.Detached = true;          // vma_mark_detached; still in the tree until vma_iter_store_new
        }
        if (old.Count > 0)
        {
            // vms_clean_up_area(): "Clear PTEs while the vma is still in the tree so that rmap cannot race with the
            // freeing later": unmap_region with mm_wr_locked, then vma_close on each.
            await UnmapRegion.Run(cur, mm, old, start, end).ConfigureAwait(false);
            foreach (var v in old) v.Ops?.Close(cur, v); // vma_close
        }
        // __mmap_new_vma(): vm_area_alloc, vma_set_range, vm_flags_init, vma->vm_page_prot = map->page_prot.
        var vma = new Vma { Name = req.Name, Mm = mm, Start = start, End = end, Flags = req.Flags, Pgoff = req.Pgoff, Mapping = req.Mapping, Ops = req.Ops };
        vma.ResetLock();
        vma.PageProt = PgProt.VmGetPageProt(vma.Flags);
        // __mmap_new_file_vma -> mmap_file -> f_op->mmap: vm_page_prot is not final yet (no writenotify).
        int err = vma.Ops?.Mmap(k, vma, cur.ActorId) ?? 0;
        if (err != 0)
        {
            // "Undo any partial mapping done by a device driver" (unmap_region), then vms_abort_munmap_vmas: the
            // old PTEs are gone, so the old VMAs cannot come back: "leaving a gap where the MAP_FIXED mapping failed".
            vma.Detached = true;
            await UnmapRegion.Run(cur, mm, [vma], start, end, unlinkFile: false).ConfigureAwait(false);
            vma.Freed = true;
            RemoveVmas(mm, old);
            return await Unlock(cur, mm, err, $"->mmap: {err}").ConfigureAwait(false);
        }
        vma.LockSeq = mm.MmLockSeq;          // vma_start_write(vma): "modified after insertion into VMA tree"
        foreach (var v in old) mm.Vmas.Remove(v);
        mm.InsertVma(vma);                   // vma_iter_store_new: the new VMA replaces the old range
        k.Emit(new KernelEvent(EventKind.Mmapped, cur.ActorId, null, start, mm, Code: end - start));
        if (vma.Mapping is { } mapping)      // vma_link_file(): the VMA joins i_mmap, rmap walks now find it
        {
            await cur.Lock(mapping.IMmapRwsem, LockMode.Write);
            mapping.IMmap.Add(vma);
            await cur.UnlockWake(mapping.IMmapRwsem).ConfigureAwait(false);
        }
        // __mmap_complete(): vms_complete_munmap_vmas -> remove_vma (vm_area_free) of the old VMAs ...
        foreach (var v in old) v.Freed = true;
        // ... and vma_set_page_prot(): vma_wants_writenotify() drops write from vm_page_prot now.
        PgProt.VmaSetPageProt(vma);
        cur.Event("mmap", $"{vma} vm_page_prot {vma.PageProt}");
        // What the unmap inside mmap promises holds now, before mmap_write_unlock: once the lock is dropped
        // another thread's munmap may take the new VMA out of the tree before it zaps it.
        if (old.Count > 0) k.Emit(new KernelEvent(EventKind.ZapDone, cur.ActorId, null, start, zap, Flag: true));
        return await Unlock(cur, mm, 0, null).ConfigureAwait(false);
    }

    /// <summary>mmap_write_unlock(): vma_end_write_all (every VMA write lock of this hold ends), up_write.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> Unlock(KernelActor cur, MmStruct mm, int ret, string? why)
    {
        mm.MmLockSeq++;
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false);
        cur.End("mmap", why);
        return ret;
    }

    private static void RemoveVmas(MmStruct mm, List<Vma> old)
    {
        foreach (var v in old)
        {
            mm.Vmas.Remove(v);
            v.Freed = true;
        }
    }
}

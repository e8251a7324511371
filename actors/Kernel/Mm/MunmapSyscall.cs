using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// munmap(2) in the order of A4 (__vm_munmap -&gt; do_vmi_align_munmap): mmap_lock for write; write-lock and
/// detach the VMAs and take them out of the tree; downgrade; zap; unlink from i_mmap; tlb_finish_mmu
/// (flush, then free); remove_vma.
/// </summary>
public static class MunmapSyscall
{
    /// <summary>Returns 0, or -EINVAL when a driver's may_split refused.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> VmMunmap(KernelActor cur, MmStruct mm, int start, int end)
    {
        var k = cur.K;
        var zap = cur.Zap;
        zap.Begin(k, mm, start, end, "munmap");
        cur.Begin("munmap", $"[{start:x}-{end:x})");
        await cur.Lock(mm.MmapLock, LockMode.Write); // mmap_write_lock_killable
        mm.MmLockSeq++;                                // mm_lock_seqcount_begin
        // vms_gather_munmap_vmas(): __split_vma at the range's edges; vm_ops->may_split may refuse (EINVAL).
        if (!await SplitVma.SplitForRange(cur, mm, start, end).ConfigureAwait(false))
        {
            mm.MmLockSeq++; // mmap_write_unlock -> vma_end_write_all
            cur.Unlock(mm.MmapLock);
            cur.End("munmap", "EINVAL (may_split)");
            return -Errnos.EINVAL;
        }
        var vmas = cur.ScratchVmas;
        vmas.Clear();
        foreach (var v in mm.Vmas)
            if (v.Start < end && v.End > start) vmas.Add(v);
        foreach (var v in vmas)
        {
            await cur.VmaStartWrite(v); // waits for in-flight VMA-locked faults
            v.Detached = true;          // vma_mark_detached
        }
        foreach (var v in vmas) mm.Vmas.Remove(v); // vma_iter_clear_gfp: invisible to lookups
        // vms_complete_munmap_vmas(): mmap_write_downgrade ends every VMA write lock (vma_end_write_all).
        mm.MmLockSeq++;
        await cur.DowngradeWake(mm.MmapLock).ConfigureAwait(false);
        await UnmapRegion.Run(cur, mm, vmas, start, end).ConfigureAwait(false);
        foreach (var v in vmas) // remove_vma(): ->close, vm_area_free
        {
            v.Ops?.Close(cur, v);
            v.Freed = true;
        }
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false); // mmap_read_unlock
        cur.End("munmap");
        k.Emit(new KernelEvent(EventKind.ZapDone, cur.ActorId, null, start, zap, Flag: true));
        return 0;
    }
}

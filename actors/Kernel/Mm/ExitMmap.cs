using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A thread's exit(2): do_exit -&gt; exit_mm -&gt; mmput; the last user of the mm runs exit_mmap() (mm/mmap.c,
/// v7.0-rc6 l.1275). exit_mmap zaps every VMA under mmap_lock held for reading through a full-mm mmu_gather
/// (the VMAs stay in the tree and in i_mmap: rmap walks may still visit them and find cleared PTEs), then takes
/// mmap_lock for writing for free_pgtables (unlink_file_vma_batch: the VMAs leave i_mmap), tlb_finish_mmu (flush
/// every CPU of mm_cpumask, then free the pages) and tear_down_vmas (vm_ops-&gt;close, vm_area_free).
/// </summary>
public static class ExitMmap
{
    /// <summary>Returns 0. The thread's program ends here; the last thread tears the mm down.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Exit(KernelActor cur, MmStruct mm)
    {
        if (--mm.Users > 0) return 0; // mmput: not the last user
        var k = cur.K;
        cur.Begin("exit_mmap", mm.Name);
        await cur.Lock(mm.MmapLock, LockMode.Read); // mmap_read_lock
        var vmas = new List<Vma>(mm.Vmas);
        var tlb = cur.Gather;
        MmuGatherOps.TlbGatherMmu(tlb, mm); // tlb_gather_mmu_fullmm
        foreach (var v in vmas) await ZapPteRange.UnmapSingleVma(cur, tlb, v, v.Start, v.End).ConfigureAwait(false); // unmap_vmas
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false);
        await cur.Lock(mm.MmapLock, LockMode.Write); // mmap_write_lock
        mm.MmLockSeq++;
        foreach (var v in vmas) // free_pgtables (mm_wr_locked: vma_start_write) -> unlink_file_vma_batch
        {
            await cur.VmaStartWrite(v);
            if (v.Mapping is null) continue;
            await cur.Lock(v.Mapping.IMmapRwsem, LockMode.Write);
            v.Mapping.IMmap.Remove(v);
            await cur.UnlockWake(v.Mapping.IMmapRwsem).ConfigureAwait(false);
        }
        await MmuGatherOps.TlbFinishMmu(cur, tlb).ConfigureAwait(false);
        foreach (var v in vmas) // tear_down_vmas -> remove_vma: ->close, vm_area_free
        {
            v.Detached = true;
            v.Ops?.Close(cur, v);
            v.Freed = true;
        }
        mm.Vmas.Clear(); // __mt_destroy
        mm.Dead = true;
        mm.MmLockSeq++;
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false);
        cur.End("exit_mmap");
        return 0;
    }
}

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
        // free_pgtables (mm/memory.c l.386; mm_wr_locked): vma_start_write, then unlink_file_vma_batch_add over each group
        // of VMAs within PMD_SIZE of the previous one; the batch takes i_mmap_lock_write once per run of VMAs of one
        // file in a group (unlink_file_vma_batch_process, mm/vma.c l.1774).
        // vma_start_write takes no step: with mm_users at 0 no thread of this mm is left to hold a VMA read lock
        // (lock_vma_under_rcu runs only in this mm's own faults), so __vma_start_write finds no reader to wait for.
        AddressSpace? batch = null;
        int batchStart = 0, count = 0;
        for (int i = 0; i < vmas.Count; i++)
        {
            var v = vmas[i];
            if (v.Readers != 0) throw new InvalidOperationException($"exit_mmap: {v} has a VMA reader after the last thread exited");
            v.LockSeq = mm.MmLockSeq; // vma_start_write
            bool newGroup = i > 0 && v.Start > vmas[i - 1].End + PageTable.PtrsPerPte; // next->vm_start > vma->vm_end + PMD_SIZE
            if (v.Mapping is null && !newGroup) continue;
            if (batch is not null && (newGroup || batch != v.Mapping || count == 8)) // a new group, another file, or vb->vmas[8] is full
            {
                await UnlinkFileVmaBatch(cur, batch, vmas, batchStart, i).ConfigureAwait(false);
                batch = null;
            }
            if (v.Mapping is null) continue;
            if (batch is null) (batch, batchStart, count) = (v.Mapping, i, 0);
            count++;
        }
        if (batch is not null) await UnlinkFileVmaBatch(cur, batch, vmas, batchStart, vmas.Count).ConfigureAwait(false);
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

    /// <summary>unlink_file_vma_batch_process(): i_mmap_lock_write once, __remove_shared_vm_struct for each VMA of <paramref name="mapping"/> in [from, to).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask UnlinkFileVmaBatch(KernelActor cur, AddressSpace mapping, List<Vma> vmas, int from, int to)
    {
        await cur.Lock(mapping.IMmapRwsem, LockMode.Write);
        for (int i = from; i < to; i++)
            if (vmas[i].Mapping == mapping) mapping.IMmap.Remove(vmas[i]);
        await cur.UnlockWake(mapping.IMmapRwsem).ConfigureAwait(false);
    }
}

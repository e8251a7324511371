using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// madvise(MADV_DONTNEED) (mm/madvise.c): MADVISE_VMA_READ_LOCK mode: tlb_gather_mmu, the VMA read lock
/// (mmap_lock read as fallback), zap_page_range_single_batched, unlock, tlb_finish_mmu. Two of these on
/// one range run concurrently (B10).
/// </summary>
public static class MadviseSyscall
{
    /// <summary>Returns 0, -EINVAL (a VM_PFNMAP VMA) or -ENOMEM (part of the range is unmapped: madvise_walk_vmas).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Dontneed(KernelActor cur, MmStruct mm, int start, int end)
    {
        var k = cur.K;
        var zap = cur.Zap;
        zap.Begin(k, mm, start, end, "madvise(MADV_DONTNEED)");
        cur.Begin("madvise", $"DONTNEED [{start:x}-{end:x})");
        var tlb = cur.Gather;
        bool unmapped = !mm.FullyMapped(start, end); // read at entry: the result names the range as the call found it
        MmuGatherOps.TlbGatherMmu(tlb, mm); // madvise_init_tlb
        // try_vma_read_lock() -> lock_vma_under_rcu(mm, start)
        Vma? locked = null;
        while (true)
        {
            var vma = mm.FindVma(start);
            if (vma is null) break;
            var r = await cur.VmaStartRead(vma);
            if (r == VmaLockReply.Detached) continue;
            if (r == VmaLockReply.Busy) break;
            if (!vma.Contains(start) || end > vma.End) // range not within one VMA: fall back
            {
                cur.VmaEndRead(vma);
                break;
            }
            locked = vma;
            break;
        }
        // madvise_dontneed_free_valid_vma(): VM_PFNMAP (not VM_MIXEDMAP, e.g. DAX) is -EINVAL.
        bool einval = false;
        if (locked is not null)
        {
            einval = (locked.Flags & VmFlags.PfnMap) != 0;
            if (!einval) await ZapPteRange.UnmapSingleVma(cur, tlb, locked, start, end).ConfigureAwait(false);
            await cur.VmaEndReadWake(locked).ConfigureAwait(false);
        }
        else
        {
            await cur.Lock(mm.MmapLock, LockMode.Read);
            var vmas = cur.ScratchVmas;
            vmas.Clear();
            foreach (var v in mm.Vmas)
                if (v.Start < end && v.End > start)
                {
                    if ((v.Flags & VmFlags.PfnMap) != 0) { einval = true; break; } // madvise_dontneed_free_valid_vma
                    vmas.Add(v);
                }
            foreach (var v in vmas) await ZapPteRange.UnmapSingleVma(cur, tlb, v, start, end).ConfigureAwait(false);
        }
        // The VMA-lock path dropped its lock in madvise_walk_vmas(), before the flush; do_madvise() flushes and
        // frees (madvise_finish_tlb) before madvise_unlock() drops mmap_lock.
        await MmuGatherOps.TlbFinishMmu(cur, tlb).ConfigureAwait(false);
        if (locked is null) await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false);
        cur.End("madvise");
        if (!einval) k.Emit(new KernelEvent(EventKind.ZapDone, cur.ActorId, null, start, zap)); // no promise on -EINVAL
        return einval ? -Errnos.EINVAL : unmapped ? -Errnos.ENOMEM : 0;
    }
}

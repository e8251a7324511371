using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// unmap_region() (mm/vma.c): tlb_gather_mmu, unmap_vmas (zap_pte_range), free_pgtables -&gt;
/// unlink_file_vma_batch (i_mmap_rwsem for write; a VMA leaves i_mmap after its PTEs are cleared),
/// tlb_finish_mmu (flush, then free). munmap runs it after the downgrade, MAP_FIXED with mmap_lock held for write.
/// </summary>
public static class UnmapRegion
{
    /// <param name="unlinkFile">False for a VMA never linked into i_mmap (an ->mmap that failed).</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask Run(KernelActor cur, MmStruct mm, List<Vma> vmas, int start, int end, bool unlinkFile = true)
    {
        var tlb = cur.Gather;
        MmuGatherOps.TlbGatherMmu(tlb, mm);
        foreach (var v in vmas) await ZapPteRange.UnmapSingleVma(cur, tlb, v, start, end).ConfigureAwait(false);
        if (unlinkFile)
            foreach (var v in vmas)
            {
                if (v.Mapping is null) continue;
                await cur.Lock(v.Mapping.IMmapRwsem, LockMode.Write);
                v.Mapping.IMmap.Remove(v);
                await cur.UnlockWake(v.Mapping.IMmapRwsem).ConfigureAwait(false);
            }
        await MmuGatherOps.TlbFinishMmu(cur, tlb).ConfigureAwait(false);
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// unmap_mapping_pages(mapping, index, nr, false) (mm/memory.c): under i_mmap_rwsem (read), zap the PTEs of
/// [index, index + nr) in every VMA of the file, each through an mmu_gather (zap_page_range_single).
/// </summary>
public static class DaxUnmapMappingPages
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask Unmap(KernelActor cur, AddressSpace mapping, int index, int nr)
    {
        await cur.Lock(mapping.IMmapRwsem, LockMode.Read);
        var list = mapping.IMmap;
        for (int i = 0; i < list.Count; i++)
        {
            var vma = list[i];
            int first = Math.Max(vma.Start, vma.Start + (index - vma.Pgoff));
            int end = Math.Min(vma.End, vma.Start + (index + nr - vma.Pgoff));
            if (first >= end) continue;
            var tlb = cur.Gather;
            MmuGatherOps.TlbGatherMmu(tlb, vma.Mm);
            await ZapPteRange.UnmapSingleVma(cur, tlb, vma, first, end).ConfigureAwait(false);
            await MmuGatherOps.TlbFinishMmu(cur, tlb).ConfigureAwait(false);
        }
        cur.Unlock(mapping.IMmapRwsem);
    }
}

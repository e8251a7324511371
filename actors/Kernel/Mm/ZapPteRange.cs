using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// unmap_page_range -&gt; zap_pte_range() (mm/memory.c, A4): per PTE table under its PTL, clear PTEs,
/// move dirty bits into the folio, and for dirty file PTEs delay the rmap removal and force a TLB flush
/// before dropping the PTL (1cf35d47712d, 5df397dec7c4). Pages are freed after the flush.
/// </summary>
public static class ZapPteRange
{
    /// <summary>unmap_single_vma() over [start, end) of one VMA, one PTE table at a time.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask UnmapSingleVma(KernelActor cur, MmuGather tlb, Vma vma, int start, int end)
    {
        start = Math.Max(start, vma.Start);
        end = Math.Min(end, vma.End);
        while (start < end)
        {
            int tableEnd = Math.Min(end, start - start % PageTable.PtrsPerPte + PageTable.PtrsPerPte);
            await Zap(cur, tlb, vma, start, tableEnd).ConfigureAwait(false);
            start = tableEnd;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Zap(KernelActor cur, MmuGather tlb, Vma vma, int start, int end)
    {
        var k = cur.K;
        var mm = vma.Mm;
        var knobs = k.Knobs;
        bool forceFlush = false;
        await cur.PteLock(mm, start);
        for (int vpn = start; vpn < end; vpn++)
        {
            var pte = mm.GetPte(vpn);
            if (!pte.Present) continue;
            // ptep_get_and_clear_full()
            mm.SetPte(vpn, Pte.None, cur.ActorId);
            tlb.RemoveTlbEntry(vpn);
            if (pte.Special) continue; // PFN map / zero page: no page reference to drop
            var folio = k.FrameAt(pte.Pfn);
            bool delayRmap = false;
            if (!folio.Anon && pte.Dirty)
            {
                k.FolioMarkDirty(folio);
                // tlb_delay_rmap(): delay_rmap = true; force_flush = true.
                if (!knobs.ZapRmapBeforeFlush) delayRmap = true;   // knob B5 removes the rmap now
                if (!knobs.ZapFlushAtBatchEnd) forceFlush = true;  // knob B4 flushes at the end of the batch
            }
            if (!delayRmap) k.FolioRemoveRmap(folio, cur.ActorId);
            tlb.RemoveFolioPages(folio, delayRmap);
        }
        // "Do the actual TLB flush before dropping ptl".
        if (forceFlush)
        {
            await MmuGatherOps.TlbFlushMmuTlbonly(cur, tlb).ConfigureAwait(false);
            MmuGatherOps.TlbFlushRmaps(cur, tlb);
        }
        cur.PteUnlock(mm, start);
        if (forceFlush) await MmuGatherOps.TlbFlushMmu(cur, tlb).ConfigureAwait(false);
    }
}

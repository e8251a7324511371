using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// struct mmu_gather (mm/mmu_gather.c): the range to flush, the pages to free after the flush and the
/// delayed rmap removals of dirty file pages.
/// </summary>
public sealed class MmuGather
{
    public MmStruct Mm = null!;
    public int Start = int.MaxValue, End = int.MinValue;
    public bool FullMm;
    /// <summary>KernelState.Clock as tlb_finish_mmu() began (for the nested-flush oracle: what was cached before it).</summary>
    public long FinishStartedAt;
    public readonly List<Frame> Pages = new();
    public readonly List<Frame> DelayedRmaps = new();

    public bool HasRange => Start < End;

    public void ResetRange()
    {
        Start = int.MaxValue;
        End = int.MinValue;
    }

    /// <summary>tlb_remove_tlb_entry(): widen the range to flush.</summary>
    public void RemoveTlbEntry(int vpn)
    {
        if (vpn < Start) Start = vpn;
        if (vpn + 1 > End) End = vpn + 1;
    }

    /// <summary>__tlb_remove_folio_pages(): queue the mapping's reference for freeing after the flush.</summary>
    public void RemoveFolioPages(Frame f, bool delayRmap)
    {
        Pages.Add(f);
        if (delayRmap) DelayedRmaps.Add(f);
    }
}

/// <summary>The mmu_gather operations, in the order munmap and madvise use them (A4).</summary>
public static class MmuGatherOps
{
    /// <summary>tlb_gather_mmu(): inc_tlb_flush_pending().</summary>
    public static void TlbGatherMmu(MmuGather tlb, MmStruct mm)
    {
        tlb.Mm = mm;
        tlb.FullMm = false;
        tlb.ResetRange();
        tlb.Pages.Clear();
        tlb.DelayedRmaps.Clear();
        mm.TlbFlushPending++;
    }

    /// <summary>tlb_flush_mmu_tlbonly(): flush the gathered range (IPIs; waits for every ack).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask TlbFlushMmuTlbonly(KernelActor cur, MmuGather tlb)
    {
        if (!tlb.HasRange && !tlb.FullMm) return;
        int start = tlb.FullMm ? 0 : tlb.Start, end = tlb.FullMm ? int.MaxValue : tlb.End;
        tlb.ResetRange();
        await cur.FlushTlbRange(tlb.Mm, start, end).ConfigureAwait(false);
    }

    /// <summary>tlb_flush_rmaps(): the delayed folio_remove_rmap() calls, after the flush.</summary>
    public static void TlbFlushRmaps(KernelActor cur, MmuGather tlb)
    {
        foreach (var f in tlb.DelayedRmaps) cur.K.FolioRemoveRmap(f, cur.ActorId);
        tlb.DelayedRmaps.Clear();
    }

    /// <summary>tlb_flush_mmu_free(): drop the gathered pages' references (frees them).</summary>
    public static void TlbFlushMmuFree(KernelActor cur, MmuGather tlb)
    {
        foreach (var f in tlb.Pages) cur.K.FolioPut(f, cur.ActorId);
        tlb.Pages.Clear();
    }

    /// <summary>tlb_flush_mmu(): flush THEN free ("unhook page, TLB invalidate, free page").</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask TlbFlushMmu(KernelActor cur, MmuGather tlb)
    {
        if (cur.K.Knobs.MunmapFreeBeforeFlush)
        {
            // Knob munmap-free-before-flush: pages go back to the allocator while TLBs still map them.
            TlbFlushRmaps(cur, tlb);
            TlbFlushMmuFree(cur, tlb);
            await TlbFlushMmuTlbonly(cur, tlb).ConfigureAwait(false);
            return;
        }
        await TlbFlushMmuTlbonly(cur, tlb).ConfigureAwait(false);
        TlbFlushRmaps(cur, tlb);
        TlbFlushMmuFree(cur, tlb);
    }

    /// <summary>
    /// tlb_finish_mmu(): if another thread batches PTE changes on this mm (mm_tlb_flush_nested), flush the
    /// whole mm (99baac21e458); then flush and free; dec_tlb_flush_pending().
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask TlbFinishMmu(KernelActor cur, MmuGather tlb)
    {
        bool nested = tlb.Mm.TlbFlushPending > 1; // mm_tlb_flush_nested()
        tlb.FinishStartedAt = cur.K.Clock;
        if (nested && !cur.K.Knobs.MadviseFlushOwnRangeOnly)
        {
            tlb.FullMm = true;
            tlb.ResetRange();
        }
        await TlbFlushMmu(cur, tlb).ConfigureAwait(false);
        tlb.Mm.TlbFlushPending--;
        // The monitor checks what 99baac21e458 promises: nothing cached before a nested finish survives it.
        if (nested) cur.K.Emit(new KernelEvent(EventKind.NestedGatherFinished, cur.ActorId, null, -1, tlb));
    }
}

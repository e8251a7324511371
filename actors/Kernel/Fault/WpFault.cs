using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// Write faults on a present read-only PTE (A1): do_wp_page -&gt; wp_pfn_shared / wp_page_shared -&gt;
/// pfn_mkwrite / page_mkwrite -&gt; finish_mkwrite_fault -&gt; wp_page_reuse; wp_page_copy for private COW.
/// </summary>
public static class WpFault
{
    /// <summary>do_wp_page(): entered with the PTL held.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoWpPage(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var vma = vmf.Vma;
        FaultEntry.VmaUse(cur, vma);
        // vm_normal_page(): NULL for special PTEs (VM_PFNMAP, zero page).
        var orig = vmf.OrigPte;
        var frame = k.FrameAt(orig.Pfn);
        vmf.Page = orig.Special || frame.Kind == FrameKind.Zero ? null : frame;
        if (vma.IsShared)
        {
            if (vmf.Page is null || frame.Kind == FrameKind.Device) // !page || is_fsdax_page
            {
                vmf.Page = null;
                return await WpPfnShared(cur, vmf).ConfigureAwait(false);
            }
            return await WpPageShared(cur, vmf, vmf.Page).ConfigureAwait(false);
        }
        // Private: reuse an exclusive anonymous page, else copy.
        var folio = vmf.Page;
        if (folio is not null && folio.Anon && folio.Refcount == 1)
        {
            WpPageReuse(cur, vmf, folio);
            return VmFault.None;
        }
        if (folio is not null) k.FolioGet(folio);
        cur.PteUnlock(vmf.Mm, vmf.Vpn);
        return await WpPageCopy(cur, vmf).ConfigureAwait(false);
    }

    /// <summary>wp_pfn_shared(): -&gt;pfn_mkwrite without the PTL, then finish_mkwrite_fault; no hook: reuse.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> WpPfnShared(KernelActor cur, Vmf vmf)
    {
        var ops = vmf.Vma.Ops;
        if (ops is not null && ops.HasPfnMkwrite)
        {
            cur.PteUnlock(vmf.Mm, vmf.Vpn);
            var ret = FaultEntry.VmfCanCallFault(cur, vmf);
            if (ret != VmFault.None) return ret;
            vmf.Mkwrite = true;
            cur.Begin("pfn_mkwrite", ops.Name);
            ret = await ops.PfnMkwrite(cur, vmf).ConfigureAwait(false);
            cur.End("pfn_mkwrite", cur.Tracing ? ret.ToString() : null);
            await FileFault.HookReturned(cur);
            FaultEntry.NoteError(vmf, ret, "->pfn_mkwrite");
            if ((ret & (VmFault.Error | VmFault.NoPage)) != 0) return ret;
            return await FinishMkwriteFault(cur, vmf, null).ConfigureAwait(false);
        }
        WpPageReuse(cur, vmf, null);
        return VmFault.None;
    }

    /// <summary>
    /// wp_page_shared(): folio_get; -&gt;page_mkwrite (returns the folio locked); finish_mkwrite_fault; then
    /// fault_dirty_shared_page marks it dirty and unlocks. The page stays locked from mkwrite until the PTE
    /// is dirty (b827e496c893).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> WpPageShared(KernelActor cur, Vmf vmf, Frame folio)
    {
        var k = cur.K;
        var ops = vmf.Vma.Ops;
        k.FolioGet(folio);
        if (ops is not null && ops.HasPageMkwrite)
        {
            cur.PteUnlock(vmf.Mm, vmf.Vpn);
            var tmp = FaultEntry.VmfCanCallFault(cur, vmf);
            if (tmp != VmFault.None)
            {
                k.FolioPut(folio, cur.ActorId);
                return tmp;
            }
            tmp = await FileFault.DoPageMkwrite(cur, vmf, folio).ConfigureAwait(false);
            if (tmp == VmFault.None || (tmp & (VmFault.Error | VmFault.NoPage)) != 0)
            {
                k.FolioPut(folio, cur.ActorId);
                return tmp;
            }
            // Knob mkwrite-unlock-before-dirty (B13): writeback may now lock, clean and write the page.
            bool unlocked = k.Knobs.MkwriteUnlockBeforeDirty;
            if (unlocked)
            {
                cur.FolioUnlock(folio);
                await cur.CondResched(); // nothing but time separates the unlock from the PTL
            }
            tmp = await FinishMkwriteFault(cur, vmf, folio).ConfigureAwait(false);
            if ((tmp & (VmFault.Error | VmFault.NoPage)) != 0)
            {
                if (!unlocked) await cur.FolioUnlockWake(folio).ConfigureAwait(false);
                k.FolioPut(folio, cur.ActorId);
                return tmp;
            }
            if (unlocked) await cur.FolioLock(folio);
        }
        else
        {
            WpPageReuse(cur, vmf, folio);
            await cur.FolioLock(folio);
        }
        var ret = await FileFault.FaultDirtySharedPage(cur, vmf).ConfigureAwait(false);
        k.FolioPut(folio, cur.ActorId);
        return ret;
    }

    /// <summary>
    /// finish_mkwrite_fault(): retake the PTL; if the PTE changed while the driver ran (a racing fault,
    /// zap or write-protect walk), VM_FAULT_NOPAGE and the access is retried; else wp_page_reuse.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> FinishMkwriteFault(KernelActor cur, Vmf vmf, Frame? folio)
    {
        var k = cur.K;
        if (!vmf.Vma.IsShared) k.Warn(cur.ActorId, "finish_mkwrite_fault: WARN_ON_ONCE(!(vma->vm_flags & VM_SHARED))", folio);
        await cur.PteLock(vmf.Mm, vmf.Vpn);
        FaultEntry.VmaUse(cur, vmf.Vma);
        if (!k.Knobs.FaultSkipPteRecheck && !Pte.Same(vmf.Mm.GetPte(vmf.Vpn), vmf.OrigPte))
        {
            cur.PteUnlock(vmf.Mm, vmf.Vpn);
            return VmFault.NoPage;
        }
        WpPageReuse(cur, vmf, folio);
        return VmFault.None;
    }

    /// <summary>
    /// wp_page_reuse(): orig_pte made young, dirty and (VM_WRITE) writable; an upgrade, so no flush.
    /// Releases the PTL.
    /// </summary>
    public static void WpPageReuse(KernelActor cur, Vmf vmf, Frame? folio)
    {
        var k = cur.K;
        var entry = vmf.OrigPte;
        if (k.FrameAt(entry.Pfn).Kind == FrameKind.Zero)
            k.Warn(cur.ActorId, "wp_page_reuse: VM_WARN_ON(is_zero_pfn(pte_pfn(orig_pte)))", k.ZeroPage);
        entry.Young = true;
        entry.Dirty = true;
        entry.Write = vmf.Vma.IsWritable;
        OrigPteChecker.BeforeSet(cur, vmf, "wp_page_reuse");
        vmf.Mm.SetPte(vmf.Vpn, entry, cur.ActorId);
        cur.PteUnlock(vmf.Mm, vmf.Vpn);
    }

    /// <summary>
    /// wp_page_copy(): copy without the PTL, retake it, pte_same re-check, ptep_clear_flush the old PTE,
    /// install the copy, and only then drop the old page's rmap and references.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> WpPageCopy(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        var old = vmf.Page;
        vmf.Vma.AnonVma = true; // vmf_anon_prepare()
        var copy = k.AllocFrame(FrameKind.Normal);
        copy.Anon = true;
        copy.Refcount = 1;
        copy.Content = old?.Content ?? 0;
        await cur.PteLock(mm, vmf.Vpn);
        FaultEntry.VmaUse(cur, vmf.Vma);
        if (!k.Knobs.FaultSkipPteRecheck && !Pte.Same(mm.GetPte(vmf.Vpn), vmf.OrigPte))
        {
            cur.PteUnlock(mm, vmf.Vpn);
            k.FolioPut(copy, cur.ActorId);
            if (old is not null) k.FolioPut(old, cur.ActorId);
            return VmFault.None;
        }
        // ptep_clear_flush(): the old translation must be gone from every TLB before the new one is visible.
        OrigPteChecker.BeforeSet(cur, vmf, "wp_page_copy");
        mm.SetPte(vmf.Vpn, Pte.None, cur.ActorId);
        await cur.FlushTlbPage(mm, vmf.Vpn).ConfigureAwait(false);
        k.FolioAddRmap(copy);
        mm.SetPte(vmf.Vpn, new Pte { Present = true, Pfn = copy.Pfn, Write = vmf.Vma.IsWritable, Dirty = true, Young = true }, cur.ActorId);
        if (old is not null)
        {
            k.FolioRemoveRmap(old, cur.ActorId);
            k.FolioPut(old, cur.ActorId); // the reference the old PTE held
        }
        cur.PteUnlock(mm, vmf.Vpn);
        if (old is not null) k.FolioPut(old, cur.ActorId); // the folio_get in do_wp_page
        return VmFault.None;
    }
}

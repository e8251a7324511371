using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// fb_deferred_io_vm_ops = { .fault = fb_deferred_io_fault, .page_mkwrite = fb_deferred_io_mkwrite }: no
/// map_pages, so both run under mmap_lock (vmf_can_call_fault). page_mkwrite makes the PTE write-notify,
/// so the first store to each page after every deferred-IO pass faults and is tracked.
/// </summary>
public sealed class FbDefioOps : VmOperations
{
    private readonly FbDefioInfo _info = new();
    private bool _pfn;

    public override string Name => "fbdefio";
    public override bool HasFault => true;
    // fbdefio.backing = pfn: { .fault, .pfn_mkwrite } (no struct page, so no page_mkwrite); read at ->mmap.
    public override bool HasPageMkwrite => !_pfn;
    public override bool HasPfnMkwrite => _pfn;
    public override DriverDevice Device => _info;
    public FbDefioInfo Info => _info;

    /// <summary>
    /// fb_deferred_io_mmap(): vm_ops, VM_DONTEXPAND | VM_DONTDUMP (+ VM_IO). With fbdefio.backing = pfn (the
    /// struct-page-less defio of seeds/004, not in v7.0) also VM_PFNMAP, as every pfn-only mapping needs for
    /// vmf_insert_pfn.
    /// </summary>
    public override int Mmap(KernelState k, Vma vma, int actor)
    {
        _pfn = k.Knobs.FbdefioBacking == FbdefioBacking.Pfn;
        if (_pfn) vma.Flags |= VmFlags.PfnMap;
        return 0;
    }

    /// <summary>
    /// fb_deferred_io_fault(): vmalloc_to_page + get_page; return 0 so the core locks the page. backing = pfn:
    /// vmf_insert_pfn(vma, addr, pfn) with vm_page_prot (read-only: write notification) and VM_FAULT_NOPAGE.
    /// </summary>
    public override ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf)
    {
        var info = _info;
        int pgoff = vmf.Pgoff; // offset = vmf->pgoff << PAGE_SHIFT
        if (pgoff >= info.NPagerefs) return new(VmFault.SigBus); // offset >= info->fix.smem_len
        var page = info.PageAt(pgoff);
        if (_pfn) return VmfInsertPfn.Insert(cur, vmf, page.Pfn);
        cur.K.FolioGet(page); // fb_deferred_io_get_page: get_page
        if (cur.K.Knobs.FbdefioVersion == FbdefioVersion.V6_14)
        {
            // <= v6.14: page->mapping = vmf->vma->vm_file->f_mapping; page->index = vmf->pgoff (for folio_mkclean).
            page.Mapping = vmf.Vma.Mapping;
            page.Index = pgoff;
        }
        // Knob fbdefio-fault-resets-list (B11, 856082f021a2): INIT_LIST_HEAD on the tracking entry without
        // fbdefio->lock; if it is listed, the list still reaches it but list_empty() now says "not listed".
        if (cur.K.Knobs.FbdefioFaultResetsList) info.PagerefAt(pgoff).Linked = false;
        vmf.Page = page;
        return new(VmFault.None);
    }

    /// <summary>fb_deferred_io_mkwrite() -&gt; fb_deferred_io_page_mkwrite() -&gt; fb_deferred_io_track_page().</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf)
    {
        var info = _info;
        var k = cur.K;
        var page = vmf.Page!;
        // offset = vmf->pgoff << PAGE_SHIFT (78d9161d2bcd); knob B15: vmf->address - vmf->vma->vm_start.
        int pgoff = k.Knobs.FbdefioOffsetFromAddress ? vmf.Vpn - vmf.Vma.Start : vmf.Pgoff;
        info.Mkwrites++;
        // fb_deferred_io_track_page(): "protect against the workqueue changing the page list".
        await cur.Lock(info.Lock);
        var pageref = PagerefGet(cur, pgoff, page);
        if (pageref is null)
        {
            cur.Unlock(info.Lock);
            return VmFault.Oom; // WARN_ON_ONCE(!pageref) -> VM_FAULT_OOM
        }
        if (k.Knobs.FbdefioMkwriteUnlocked)
        {
            // Knob B14 (before the 2010 redo): return 0 unlocked; do_page_mkwrite() locks the page itself,
            // after this mutex is dropped, so the worker can write-protect before the PTE is made writable.
            cur.Unlock(info.Lock);
            info.ScheduleDelayedWork(cur);
            await info.Preempt.Here(cur).ConfigureAwait(false); // the task may be preempted before do_page_mkwrite's folio_lock
            return VmFault.None;
        }
        // "We want the page to remain locked from ->page_mkwrite until the PTE is marked dirty".
        await cur.FolioLock(pageref.Page!);
        cur.Unlock(info.Lock);
        info.ScheduleDelayedWork(cur); // come back after delay to process the deferred IO
        // Back in the core, finish_mkwrite_fault()/finish_fault() take the PTL only after this task has
        // dropped fbdefio->lock: a preemption here lets the woken worker run first.
        await info.Preempt.Here(cur).ConfigureAwait(false);
        return VmFault.Locked;
    }

    /// <summary>
    /// backing = pfn: -&gt;pfn_mkwrite does what fb_deferred_io_track_page does, without the page lock (there is no
    /// struct page to lock, and pfn_mkwrite cannot return VM_FAULT_LOCKED): list the pageref under fbdefio-&gt;lock,
    /// schedule the work, return 0; wp_pfn_shared then makes the PTE writable in finish_mkwrite_fault.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf)
    {
        var info = _info;
        int pgoff = vmf.Pgoff;
        if (pgoff >= info.NPagerefs) return VmFault.SigBus;
        info.Mkwrites++;
        await cur.Lock(info.Lock);
        var pageref = PagerefGet(cur, pgoff, info.PageAt(pgoff));
        cur.Unlock(info.Lock);
        if (pageref is null) return VmFault.Oom;
        info.ScheduleDelayedWork(cur);
        // As in page_mkwrite: the task may be preempted after dropping fbdefio->lock, before finish_mkwrite_fault.
        await info.Preempt.Here(cur).ConfigureAwait(false);
        return VmFault.None;
    }

    /// <summary>
    /// fb_deferred_io_pageref_get() with fb_deferred_io_pageref_lookup() (v7.0): the pageref for pgoff,
    /// initialised on first use and checked against the page; listed unless already listed.
    /// Under knob B15, the v6.9 form (56c134f7f1b5): no consistency check, page set only when unlisted.
    /// </summary>
    private FbDefioPageref? PagerefGet(KernelActor cur, int pgoff, Frame page)
    {
        var info = _info;
        var k = cur.K;
        if (pgoff >= info.NPagerefs)
        {
            k.Warn(cur.ActorId, "fb_deferred_io_pageref_lookup: fb_WARN_ON_ONCE(pgoff >= info->npagerefs)", page);
            return null;
        }
        var pageref = info.PagerefAt(pgoff);
        if (k.Knobs.FbdefioOffsetFromAddress)
        {
            if (!pageref.Linked)
            {
                pageref.Page = page;
                pageref.Pgoff = pgoff;
            }
        }
        else
        {
            if (pageref.Page is null)
            {
                pageref.Page = page;
                pageref.Pgoff = pgoff;
                pageref.Linked = false; // INIT_LIST_HEAD(&pageref->list)
            }
            if (pageref.Page != page)
            {
                k.Warn(cur.ActorId, "fb_deferred_io_pageref_lookup: fb_WARN_ON_ONCE(pageref->page != page)", page);
                return null;
            }
        }
        // "a new process could start writing to the same page through a new PTE": already listed.
        if (pageref.Linked) return pageref;
        // list_add_tail() with CONFIG_DEBUG_LIST: an entry the list still reaches cannot be added again.
        if (info.PagerefList.Contains(pageref))
        {
            k.Warn(cur.ActorId, $"list_add corruption: pageref {pgoff} is re-added while the pagereflist still links it (its list_head was reset without fbdefio->lock)", page);
            pageref.Linked = true;
            return pageref;
        }
        info.PagerefList.Add(pageref);
        pageref.Linked = true;
        return pageref;
    }
}

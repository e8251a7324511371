using System.Runtime.CompilerServices;
using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// do_fault() and its branches (A2): do_read_fault (with fault-around), do_shared_fault, __do_fault,
/// finish_fault, do_page_mkwrite and fault_dirty_shared_page.
/// </summary>
public static class FileFault
{
    private const VmFault Stop = VmFault.Error | VmFault.NoPage | VmFault.Retry;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoFault(KernelActor cur, Vmf vmf)
    {
        var ops = vmf.Vma.Ops!;
        var mm = vmf.Mm;
        if (!ops.HasFault)
        {
            // No ->fault (a VM_PFNMAP VMA populated at mmap): a missing PTE is SIGBUS, else someone raced us.
            await cur.PteLock(mm, vmf.Vpn);
            var r = mm.GetPte(vmf.Vpn).IsNone ? VmFault.SigBus : VmFault.NoPage;
            FaultEntry.NoteError(vmf, r, "do_fault: no ->fault, pte_none");
            cur.PteUnlock(mm, vmf.Vpn);
            return r;
        }
        if (!vmf.Write) return await DoReadFault(cur, vmf).ConfigureAwait(false);
        if (!vmf.Vma.IsShared) throw new NotSupportedException("do_cow_fault (write fault on a private file mapping) is not modelled");
        return await DoSharedFault(cur, vmf).ConfigureAwait(false);
    }

    /// <summary>do_read_fault(): -&gt;map_pages first, then -&gt;fault and finish_fault.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoReadFault(KernelActor cur, Vmf vmf)
    {
        var ops = vmf.Vma.Ops!;
        if (ops.HasMapPages) // should_fault_around()
        {
            var around = await DoFaultAround(cur, vmf).ConfigureAwait(false);
            if (around != VmFault.None) return around;
        }
        var ret = FaultEntry.VmfCanCallFault(cur, vmf);
        if (ret != VmFault.None) return ret;
        ret = await DoFaultCore(cur, vmf).ConfigureAwait(false);
        if ((ret & Stop) != 0) return ret;
        ret |= await FinishFault(cur, vmf).ConfigureAwait(false);
        var folio = vmf.Page!;
        await cur.FolioUnlockWake(folio).ConfigureAwait(false);
        if ((ret & Stop) != 0) cur.K.FolioPut(folio, cur.ActorId);
        return ret;
    }

    /// <summary>do_fault_around(): the window clamped to the VMA and to one PTE table.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoFaultAround(KernelActor cur, Vmf vmf)
    {
        const int FaultAroundPages = 16;
        var vma = vmf.Vma;
        int start = Math.Max(vma.Start, vmf.Vpn - vmf.Vpn % FaultAroundPages);
        int tableBase = vmf.Vpn - vmf.Vpn % PageTable.PtrsPerPte;
        start = Math.Max(start, tableBase);
        int end = Math.Min(Math.Min(vma.End, start + FaultAroundPages), tableBase + PageTable.PtrsPerPte);
        var ret = await vma.Ops!.MapPages(cur, vmf, start, end).ConfigureAwait(false);
        await HookReturned(cur);
        return FaultEntry.NoteError(vmf, ret, "->map_pages");
    }

    /// <summary>
    /// The return from a vm_ops hook: the task may be preempted there (no spinlock is held), so it is a
    /// scheduling point, whatever the driver did just before returning (dropped a mutex, woke a worker).
    /// </summary>
    public static AskAwaitable<CondResched> HookReturned(KernelActor cur) => cur.CondResched();

    /// <summary>do_shared_fault(): -&gt;fault, -&gt;page_mkwrite, finish_fault (writable+dirty), fault_dirty_shared_page.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoSharedFault(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var ops = vmf.Vma.Ops!;
        var ret = FaultEntry.VmfCanCallFault(cur, vmf);
        if (ret != VmFault.None) return ret;
        ret = await DoFaultCore(cur, vmf).ConfigureAwait(false);
        if ((ret & Stop) != 0) return ret;
        var folio = vmf.Page!;
        if (ops.HasPageMkwrite)
        {
            await cur.FolioUnlockWake(folio).ConfigureAwait(false);
            var tmp = await DoPageMkwrite(cur, vmf, folio).ConfigureAwait(false);
            if (tmp == VmFault.None || (tmp & (VmFault.Error | VmFault.NoPage)) != 0)
            {
                k.FolioPut(folio, cur.ActorId);
                return tmp;
            }
            // Knob mkwrite-unlock-before-dirty: the page lock is dropped until the PTE is dirty.
            if (k.Knobs.MkwriteUnlockBeforeDirty)
            {
                cur.FolioUnlock(folio);
                await cur.CondResched(); // nothing but time separates the unlock from the PTL
            }
        }
        ret |= await FinishFault(cur, vmf).ConfigureAwait(false);
        bool unlocked = ops.HasPageMkwrite && k.Knobs.MkwriteUnlockBeforeDirty;
        if ((ret & Stop) != 0)
        {
            if (!unlocked) await cur.FolioUnlockWake(folio).ConfigureAwait(false);
            k.FolioPut(folio, cur.ActorId);
            return ret;
        }
        if (unlocked) await cur.FolioLock(folio);
        ret |= await FaultDirtySharedPage(cur, vmf).ConfigureAwait(false);
        return ret;
    }

    /// <summary>__do_fault(): call -&gt;fault; lock the folio unless the driver returned VM_FAULT_LOCKED.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoFaultCore(KernelActor cur, Vmf vmf)
    {
        cur.Begin("->fault", vmf.Vma.Ops!.Name);
        var ret = await vmf.Vma.Ops!.Fault(cur, vmf).ConfigureAwait(false);
        cur.End("->fault", cur.Tracing ? ret.ToString() : null);
        await HookReturned(cur);
        FaultEntry.NoteError(vmf, ret, "->fault");
        if ((ret & (VmFault.Error | VmFault.NoPage | VmFault.Retry)) != 0) return ret;
        var folio = vmf.Page ?? throw new InvalidOperationException($"{vmf.Vma.Ops.Name}: ->fault returned no page");
        if ((ret & VmFault.Locked) == 0) await cur.FolioLock(folio);
        else if (!cur.HoldsFolioLock(folio) && cur.K.Knobs.DebugVm) cur.K.Warn(cur.ActorId, "__do_fault: VM_BUG_ON_PAGE(!folio_test_locked) after VM_FAULT_LOCKED", folio);
        return ret;
    }

    /// <summary>
    /// finish_fault(): PTL, re-check (vmf_pte_changed: pte_same against orig_pte, or !pte_none), then
    /// set_pte_range(): mk_pte with vm_page_prot, writable+dirty for a write fault, rmap added.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> FinishFault(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        var vma = vmf.Vma;
        var page = vmf.Page!;
        await cur.PteLock(mm, vmf.Vpn);
        FaultEntry.VmaUse(cur, vma);
        var now = mm.GetPte(vmf.Vpn);
        bool changed = vmf.OrigPteValid ? !Pte.Same(now, vmf.OrigPte) : !now.IsNone;
        if (changed && !k.Knobs.FaultSkipPteRecheck)
        {
            cur.PteUnlock(mm, vmf.Vpn);
            return VmFault.NoPage;
        }
        // vm_page_prot is writable only for shared writable VMAs that do not want write notification.
        bool write = vma.IsShared && vma.IsWritable && (vmf.Write || !vma.WantsWritenotify);
        var entry = new Pte { Present = true, Pfn = page.Pfn, Write = write, Dirty = vmf.Write, Young = true };
        OrigPteChecker.BeforeSet(cur, vmf, "finish_fault");
        k.FolioAddRmap(page); // folio_add_file_rmap_ptes
        mm.SetPte(vmf.Vpn, entry, cur.ActorId);
        cur.PteUnlock(mm, vmf.Vpn);
        return VmFault.None;
    }

    /// <summary>
    /// do_page_mkwrite(): -&gt;page_mkwrite without PTL or page lock; if the driver did not return LOCKED,
    /// lock the folio and treat a lost mapping (truncate) as "retry the fault" (return 0).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoPageMkwrite(KernelActor cur, Vmf vmf, Frame folio)
    {
        // A span of its own: a page cleaned while the fault is in here (before it holds the folio lock) names a
        // ->page_mkwrite that returned the page unlocked; one cleaned after it, a caller that dropped the lock.
        cur.Begin("do_page_mkwrite");
        vmf.Mkwrite = true;
        cur.Begin("page_mkwrite", vmf.Vma.Ops!.Name);
        var ret = await vmf.Vma.Ops!.PageMkwrite(cur, vmf).ConfigureAwait(false);
        cur.End("page_mkwrite", cur.Tracing ? ret.ToString() : null);
        await HookReturned(cur);
        FaultEntry.NoteError(vmf, ret, "->page_mkwrite");
        vmf.Mkwrite = false;
        if ((ret & (VmFault.Error | VmFault.NoPage)) != 0)
        {
            cur.End("do_page_mkwrite");
            return ret;
        }
        if ((ret & VmFault.Locked) == 0)
        {
            await cur.FolioLock(folio);
            if (folio.Mapping is null)
            {
                await cur.FolioUnlockWake(folio).ConfigureAwait(false);
                cur.End("do_page_mkwrite");
                return VmFault.None; // retry
            }
            ret |= VmFault.Locked;
        }
        else if (!cur.HoldsFolioLock(folio) && cur.K.Knobs.DebugVm)
            cur.K.Warn(cur.ActorId, "do_page_mkwrite: VM_BUG_ON_FOLIO(!folio_test_locked) after VM_FAULT_LOCKED", folio);
        cur.End("do_page_mkwrite");
        return ret;
    }

    /// <summary>fault_dirty_shared_page(): folio_mark_dirty, then folio_unlock (balance_dirty_pages not modelled).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> FaultDirtySharedPage(KernelActor cur, Vmf vmf)
    {
        var folio = vmf.Page!;
        cur.K.FolioMarkDirty(folio);
        // The fault's last sleeping-lock release before the return to user space: the woken waiter (a writeback
        // or fb_defio worker) is granted the lock but the retried access comes first. Both are a few
        // nanoseconds against a wake-up's microseconds, and a point here lets a priority scheduler (PCT) run a
        // re-queued worker between every write fault and its retry: a false livelock.
        cur.FolioUnlock(folio);
        return VmFault.None;
    }
}

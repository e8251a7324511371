using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>do_anonymous_page() (mm/memory.c): the zero page for reads, a fresh page for writes.</summary>
public static class AnonFault
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> DoAnonymousPage(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        if (!vmf.Write)
        {
            // Map the shared zero page: special, read-only.
            await cur.PteLock(mm, vmf.Vpn);
            FaultEntry.VmaUse(cur, vmf.Vma);
            if (!k.Knobs.FaultSkipPteRecheck && !mm.GetPte(vmf.Vpn).IsNone)
            {
                cur.PteUnlock(mm, vmf.Vpn); // vmf_pte_changed(): someone else mapped it
                return VmFault.None;
            }
            OrigPteChecker.BeforeSet(cur, vmf, "do_anonymous_page");
            mm.SetPte(vmf.Vpn, new Pte { Present = true, Pfn = k.ZeroPage.Pfn, Special = true, Young = true }, cur.ActorId);
            cur.PteUnlock(mm, vmf.Vpn);
            return VmFault.None;
        }
        // vmf_anon_prepare() -> anon_vma_prepare(): the VMA gets its anon_vma; alloc_anon_folio(): no lock held.
        vmf.Vma.AnonVma = true;
        var folio = k.AllocFrame(FrameKind.Normal);
        folio.Anon = true;
        folio.Refcount = 1;
        // folio_mk_pte(vm_page_prot); "if (vma->vm_flags & VM_WRITE) entry = pte_mkwrite(pte_mkdirty(entry))":
        // the VMA's flags are read here, before pte_offset_map_lock(). mprotect cannot change them meanwhile
        // only because the fault holds the VMA lock or mmap_lock (fault-ignore-vma-lock drops that).
        bool writable = vmf.Vma.IsWritable;
        await cur.MaybePreempted().ConfigureAwait(false); // preemptible until pte_offset_map_lock() spins on the PTL
        await cur.PteLock(mm, vmf.Vpn);
        FaultEntry.VmaUse(cur, vmf.Vma);
        if (!k.Knobs.FaultSkipPteRecheck && !mm.GetPte(vmf.Vpn).IsNone)
        {
            cur.PteUnlock(mm, vmf.Vpn);
            k.FolioPut(folio, cur.ActorId);
            return VmFault.None;
        }
        OrigPteChecker.BeforeSet(cur, vmf, "do_anonymous_page");
        k.FolioAddRmap(folio); // folio_add_new_anon_rmap
        mm.SetPte(vmf.Vpn, new Pte { Present = true, Pfn = folio.Pfn, Write = writable, Dirty = writable, Young = true }, cur.ActorId);
        cur.PteUnlock(mm, vmf.Vpn);
        return VmFault.None;
    }
}

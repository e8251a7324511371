using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// v7.0 (dax.version = v7.0): vmf_insert_page_mkwrite() -&gt; insert_page() -&gt; insert_page_into_pte_locked()
/// (<see cref="InsertPage.InsertPageIntoPteLocked"/>, shared with vm_insert_page)
/// (mm/memory.c, v7.0-rc6 l.2341-2378 and 2824-2841; "mm/memory: add vmf_insert_page_mkwrite()", v6.15), under
/// the PTL. A none PTE gets a normal PTE: folio_get + folio_add_file_rmap_pte (young, dirty and writable with
/// mkwrite); the shared zero page (dax_load_hole) stays a special PTE. A present PTE without mkwrite is -EBUSY
/// (VM_FAULT_NOPAGE). With mkwrite it must map the same pfn: then maybe_mkwrite + pte_mkyoung in place
/// (ptep_set_access_flags), with NO pte_mkdirty (insert_pfn does one); a mismatch WARNs unless the PTE maps the
/// zero page and is -EFAULT, which vmf_insert_page_mkwrite turns into VM_FAULT_SIGBUS (insert_pfn retried).
/// A "PMD" entry (driver dax-pmd, pages of a 2-page entry) goes through v7.0 vmf_insert_folio_pmd -&gt;
/// insert_pmd (mm/huge_memory.c) instead: also refcounted and rmapped, but its upgrade does pmd_mkdirty and a
/// mismatch is VM_FAULT_NOPAGE (retried), as insert_pfn did.
/// </summary>
public static class DaxInsertPage
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> VmfInsertPageMkwrite(KernelActor cur, Vmf vmf, Frame page, bool write, bool pmd = false)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        var vma = vmf.Vma;
        if (!vma.Contains(vmf.Vpn)) return VmFault.SigBus; // addr < vm_start || addr >= vm_end
        // insert_page() -> validate_page_before_insert(): the zero page is allowed (vm_mixed_zeropage_allowed:
        // VM_MIXEDMAP with pfn_mkwrite), an fsdax folio is referenced.
        if (InsertPage.ValidatePageBeforeInsert(vma, page) < 0) return VmFault.SigBus;
        await cur.PteLock(mm, vmf.Vpn); // get_locked_pte()
        FaultEntry.VmaUse(cur, vma);
        int err = InsertPage.InsertPageIntoPteLocked(cur, k, vma, vmf.Vpn, page, vma.PageProt, mkwrite: write, pmd);
        cur.PteUnlock(mm, vmf.Vpn);
        if (err == -InsertPage.EFAULT)
        {
            if (pmd) return VmFault.NoPage; // insert_pmd: goto out_unlock
            cur.Event("insert_page_into_pte_locked", $"pfn mismatch at {vmf.Vpn:x} (page {page.Pfn}): -EFAULT -> VM_FAULT_SIGBUS");
            return VmFault.SigBus;
        }
        return VmFault.NoPage; // 0 or -EBUSY: "err < 0 && err != -EBUSY" is not taken
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// v7.0 (dax.version = v7.0): vmf_insert_page_mkwrite() -&gt; insert_page() -&gt; insert_page_into_pte_locked()
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
        // validate_page_before_insert(): the zero page is allowed (vm_mixed_zeropage_allowed: fsdax with pfn_mkwrite).
        bool zero = page.Kind == FrameKind.Zero;
        await cur.PteLock(mm, vmf.Vpn); // get_locked_pte()
        FaultEntry.VmaUse(cur, vma);
        var pte = mm.GetPte(vmf.Vpn);
        if (pte.Present)
        {
            if (!write)
            {
                cur.PteUnlock(mm, vmf.Vpn);
                return VmFault.NoPage; // -EBUSY: "err < 0 && err != -EBUSY" is not taken
            }
            if (pte.Pfn != page.Pfn && !k.Knobs.DaxMkwriteSkipPteCheck)
            {
                bool mappedZero = k.FrameAt(pte.Pfn).Kind == FrameKind.Zero;
                if (k.Knobs.DaxInsertStrictPfn) // B16: the 2017 rule, a WARN on any mismatch
                    k.Warn(cur.ActorId, $"insert_page_into_pte_locked: WARN_ON_ONCE(pte_pfn(pteval) != page_to_pfn(page)) (pte maps pfn {pte.Pfn}{(mappedZero ? ", the zero page" : "")}, want {page.Pfn})", page);
                else if (!mappedZero)
                    k.Warn(cur.ActorId, $"insert_page_into_pte_locked: WARN_ON_ONCE(!is_zero_pfn(pte_pfn(pteval))) (pte maps pfn {pte.Pfn}, want {page.Pfn})", page);
                cur.PteUnlock(mm, vmf.Vpn);
                if (pmd) return VmFault.NoPage; // insert_pmd: goto out_unlock
                cur.Event("insert_page_into_pte_locked", $"pfn mismatch at {vmf.Vpn:x} (pte {pte.Pfn}, page {page.Pfn}): -EFAULT -> VM_FAULT_SIGBUS");
                return VmFault.SigBus; // -EFAULT
            }
            // Knob dax-mkwrite-skip-pte-check: whatever the PTE maps is made writable (even the zero page).
            pte.Young = true;
            pte.Write = vma.IsWritable; // maybe_mkwrite; no pte_mkdirty at v7.0 (the MMU sets D on the store)
            if (pmd) pte.Dirty = true;  // insert_pmd: maybe_pmd_mkwrite(pmd_mkdirty())
            mm.SetPte(vmf.Vpn, pte, cur.ActorId); // ptep_set_access_flags
            cur.PteUnlock(mm, vmf.Vpn);
            return VmFault.NoPage;
        }
        Pte entry;
        if (zero)
            entry = new Pte { Present = true, Pfn = page.Pfn, Special = true, Young = true }; // pte_mkspecial
        else
        {
            k.FolioGet(page);
            entry = new Pte { Present = true, Pfn = page.Pfn };
            if (write)
            {
                entry.Young = true;
                entry.Dirty = true;
                entry.Write = vma.IsWritable; // maybe_mkwrite(pte_mkdirty())
            }
            k.FolioAddRmap(page); // folio_add_file_rmap_pte
        }
        mm.SetPte(vmf.Vpn, entry, cur.ActorId); // set_pte_at
        cur.PteUnlock(mm, vmf.Vpn);
        return VmFault.NoPage;
    }
}

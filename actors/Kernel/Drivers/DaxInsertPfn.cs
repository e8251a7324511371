using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// v6.14 (dax.version = v6.14; v4.15..v6.14): vmf_insert_mixed() / vmf_insert_mixed_mkwrite() -&gt; insert_pfn()
/// (mm/memory.c; "mm: add vm_insert_mixed_mkwrite()", b2770da64254), under the PTL. A none PTE gets a special
/// pfn PTE (no refcount, no rmap; writable, dirty and young with mkwrite). A present PTE with mkwrite must map
/// the same pfn: then it is upgraded in place (pte_mkyoung + pte_mkdirty + maybe_mkwrite, ptep_set_access_flags);
/// a mismatch is skipped (VM_FAULT_NOPAGE: the access is retried), with a WARN unless it is the zero page
/// (f2c57d91b0d9). v7.0 differs: <see cref="DaxInsertPage"/> (normal PTEs, no mkdirty, a mismatch is SIGBUS).
/// InsertPfn is insert_pfn() itself, which v7.0's vmf_insert_pfn / vmf_insert_pfn_prot also use (<see cref="VmfInsertPfn"/>).
/// </summary>
public static class DaxInsertPfn
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> InsertPfn(KernelActor cur, Vmf vmf, int pfn, bool mkwrite, PgProt? prot = null)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        var vma = vmf.Vma;
        await cur.PteLock(mm, vmf.Vpn); // get_locked_pte()
        FaultEntry.VmaUse(cur, vma);
        var pte = mm.GetPte(vmf.Vpn);
        if (pte.Present)
        {
            if (mkwrite)
            {
                if (pte.Pfn != pfn && !k.Knobs.DaxMkwriteSkipPteCheck)
                {
                    // "we are likely racing with block allocation and mapping invalidation so just skip".
                    bool zero = k.FrameAt(pte.Pfn).Kind == FrameKind.Zero;
                    if (k.Knobs.DaxInsertStrictPfn) // B16: the 2017 code warned on any mismatch
                        k.Warn(cur.ActorId, $"insert_pfn: WARN_ON_ONCE(pte_pfn(*pte) != pfn) (pte maps pfn {pte.Pfn}{(zero ? ", the zero page" : "")}, want {pfn})", k.FrameAt(pfn));
                    else if (!zero)
                        k.Warn(cur.ActorId, $"insert_pfn: WARN_ON_ONCE(!is_zero_pfn(pte_pfn(entry))) (pte maps pfn {pte.Pfn}, want {pfn})", k.FrameAt(pfn));
                    cur.PteUnlock(mm, vmf.Vpn);
                    return VmFault.NoPage;
                }
                // Knob dax-mkwrite-skip-pte-check: whatever the PTE maps is made writable (even the zero page).
                pte.Young = true;
                pte.Dirty = true;
                pte.Write = vma.IsWritable; // maybe_mkwrite
                mm.SetPte(vmf.Vpn, pte, cur.ActorId); // ptep_set_access_flags (cae85cb8add3), not set_pte_at
            }
            cur.PteUnlock(mm, vmf.Vpn);
            return VmFault.NoPage;
        }
        // pte_mkspecial(pfn_pte(pfn, prot)); prot (vm_page_prot for vmf_insert_mixed) is read-only under write-notify.
        var entry = new Pte { Present = true, Pfn = pfn, Special = true, Young = true, Write = (prot ?? vma.PageProt).Write };
        if (mkwrite)
        {
            entry.Dirty = true;
            entry.Write = vma.IsWritable;
        }
        mm.SetPte(vmf.Vpn, entry, cur.ActorId);
        cur.PteUnlock(mm, vmf.Vpn);
        return VmFault.NoPage;
    }
}

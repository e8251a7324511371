namespace StressVm.Kernel;

/// <summary>
/// remap_pfn_range() (mm/memory.c, v7.0-rc6 l.3147 -&gt; remap_pfn_range_internal -&gt; remap_pte_range): maps
/// [vpn, vpn + pages) to consecutive pfns with the protection the caller passes (not vm_page_prot: perf's
/// map_range passes vm_get_page_prot(vm_flags &amp; ~VM_SHARED), read-only). The PTEs are special
/// (pte_mkspecial): vm_normal_page() returns NULL for them, so they hold no reference, no mapcount and no rmap.
/// Sets VM_PFNMAP (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP in the kernel; the model has VM_PFNMAP).
/// </summary>
public static class RemapPfnRange
{
    /// <summary>
    /// Called from a driver's -&gt;mmap, with mmap_lock held for write and before vma_link_file: no fault, walk or
    /// zap can reach these PTEs yet, so the PTL remap_pte_range takes is not modelled (no scheduling point).
    /// Returns 0.
    /// </summary>
    public static int Remap(KernelState k, Vma vma, int vpn, int pfn, int pages, PgProt prot, int actor = -1)
    {
        vma.Flags |= VmFlags.PfnMap; // vm_flags_set(vma, VM_REMAP_FLAGS)
        var mm = vma.Mm;
        for (int i = 0; i < pages; i++)
        {
            // remap_pte_range(): BUG_ON(!pte_none(ptep_get(pte))).
            if (!mm.GetPte(vpn + i).IsNone)
                k.Warn(actor, $"remap_pte_range: BUG_ON(!pte_none) at {vpn + i:x} ({mm.GetPte(vpn + i)})", k.FrameAt(pfn + i));
            // set_pte_at(pte_mkspecial(pfn_pte(pfn, prot))): PAGE_* protections include the accessed bit.
            mm.SetPte(vpn + i, new Pte { Present = true, Pfn = pfn + i, Write = prot.Write, Young = true, Special = true }, actor);
        }
        return 0;
    }

    /// <summary>
    /// The per-page calls drivers make for pages that are not physically contiguous (perf's map_range: one
    /// remap_pfn_range per page, "Especially having to perform several independent remap_pfn_range() calls").
    /// </summary>
    public static int RemapPages(KernelState k, Vma vma, int vpn, ReadOnlySpan<Frame> pages, PgProt prot, int actor = -1)
    {
        for (int i = 0; i < pages.Length; i++)
        {
            int err = Remap(k, vma, vpn + i, pages[i].Pfn, 1, prot, actor);
            if (err != 0) return err;
        }
        return 0;
    }
}

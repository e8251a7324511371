namespace StressVm.Kernel;

/// <summary>stressvm.kernel.perf.mode: which perf ring-buffer mmap the model follows.</summary>
public enum PerfMode
{
    /// <summary>"pfnmap": v6.14+ ("perf: map pages in advance", b709eb872e19): VM_PFNMAP, read-only at mmap, pfn_mkwrite.</summary>
    Pfnmap,

    /// <summary>"legacy": &lt;= v6.13: perf_mmap_fault as ->fault and ->page_mkwrite, page->mapping set.</summary>
    Legacy,

    /// <summary>"mixedmap": Hildenbrand's alternative: vm_insert_pages() from ->mmap on VM_MIXEDMAP, with vm_page_prot as it is then.</summary>
    Mixedmap,

    /// <summary>"mixedmap-prot": the proposed vm_insert_pages_prot() with perf's read-only protection; the pages are still folios.</summary>
    MixedmapProt,

    /// <summary>"mixedmap-typed": vm_insert_pages_prot() of pages with a page type the insert leaves unrefcounted and vm_normal_page() refuses.</summary>
    MixedmapTyped,
}

/// <summary>stressvm.kernel.fbdefio.backing: what the fb_defio display memory is.</summary>
public enum FbdefioBacking
{
    /// <summary>"pages": vmalloc()ed struct pages; ->fault returns the page, ->page_mkwrite tracks it.</summary>
    Pages,

    /// <summary>"pfn": no struct page (a DMA carveout): VM_PFNMAP, vmf_insert_pfn in ->fault, ->pfn_mkwrite tracks.</summary>
    Pfn,
}

/// <summary>stressvm.kernel.fbdefio.version: which fb_defio the model follows.</summary>
public enum FbdefioVersion
{
    /// <summary>"v6.14": ->fault sets page->mapping/index; the worker does folio_lock, folio_mkclean, folio_unlock.</summary>
    V6_14,

    /// <summary>"v7.0" (v6.15..v7.0): fbdefio->mapping saved at open; the worker calls mapping_wrprotect_range unlocked.</summary>
    V7_0,
}

/// <summary>stressvm.kernel.dax.version: which fs/dax.c + mm/memory.c insert path the model follows.</summary>
public enum DaxVersion
{
    /// <summary>"v6.14": vmf_insert_mixed_mkwrite -> insert_pfn(mkwrite): special PTEs, no refcount, no rmap; the in-place upgrade mkdirties.</summary>
    V6_14,

    /// <summary>"v7.0": vmf_insert_page_mkwrite -> insert_page_into_pte_locked: normal refcounted rmapped PTEs; a pfn mismatch is -EFAULT (VM_FAULT_SIGBUS).</summary>
    V7_0,
}

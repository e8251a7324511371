namespace StressVm.Kernel;

/// <summary>stressvm.kernel.perf.mode: which perf ring-buffer mmap the model follows.</summary>
public enum PerfMode
{
    /// <summary>"pfnmap": v6.14+ ("perf: map pages in advance", b709eb872e19): VM_PFNMAP, read-only at mmap, pfn_mkwrite.</summary>
    Pfnmap,

    /// <summary>"legacy": &lt;= v6.13: perf_mmap_fault as ->fault and ->page_mkwrite, page->mapping set.</summary>
    Legacy,
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

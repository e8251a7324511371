using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// perf's vm_operations in both of its forms (stressvm.kernel.perf.mode):
/// pfnmap (v6.14+, b709eb872e19 "perf: map pages in advance"): perf_mmap_vmops = { .open, .close,
/// .pfn_mkwrite = perf_mmap_pfn_mkwrite, .may_split = perf_mmap_may_split }; map_range() maps every page
/// at mmap time as special read-only VM_PFNMAP PTEs; only the control page (pgoff 0) may become writable.
/// legacy (&lt;= v6.13): { .open, .close, .fault = perf_mmap_fault, .page_mkwrite = perf_mmap_fault }; the
/// fault sets page-&gt;mapping/index so do_page_mkwrite() does not take the page for a truncated one.
/// mixedmap, mixedmap-prot, mixedmap-typed: the alternatives of the seeds' thread, with pfnmap's vm_ops
/// (see HOCON.conf stressvm.kernel.perf.mode).
/// </summary>
public sealed class PerfMmapOps : VmOperations
{
    private readonly PerfRingBuffer _rb = new();
    private bool _legacy;

    public PerfMmapOps() => _rb.Ops = this;

    public override string Name => "perf";
    public override DriverDevice Device => _rb;
    public PerfRingBuffer RingBuffer => _rb;

    // The mode is read at mmap (->mmap) from the run's knobs; the hooks the core sees follow it.
    public override bool HasFault => _legacy;
    public override bool HasPageMkwrite => _legacy;
    public override bool HasPfnMkwrite => !_legacy;

    /// <summary>perf_mmap(): perf_mmap_rb, then (pfnmap) map_range() with read-only special PTEs.</summary>
    public override int Mmap(KernelState k, Vma vma, int actor)
    {
        var mode = k.Knobs.PerfMode;
        _legacy = mode == PerfMode.Legacy;
        _rb.MmapRb(k, vma);
        vma.Flags |= VmFlags.DontCopy; // vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP)
        if (_legacy) return 0; // pages arrive through perf_mmap_fault
        var rbPages = _rb.Pages[vma.Pgoff..(vma.Pgoff + vma.Pages)];
        switch (mode)
        {
            case PerfMode.Mixedmap:
                // Hildenbrand, seeds/001: "Would we be able to achieve something comparable with vm_insert_pages(), to
                // just map them in advance?" vm_insert_pages reads vma->vm_page_prot now, inside ->mmap, where it is
                // still vm_get_page_prot(VM_SHARED | VM_WRITE): writable; vma_set_page_prot comes in __mmap_complete.
                return InsertPage.VmInsertPages(k, vma, vma.Start, rbPages, actor);
            case PerfMode.MixedmapProt:
            case PerfMode.MixedmapTyped:
                // "So all you want is a vm_insert_pages() variant where we can pass in the vm_page_prot?"
                return InsertPage.VmInsertPagesProt(k, vma, vma.Start, rbPages, PgProt.VmGetPageProt(vma.Flags & ~VmFlags.Shared), actor);
        }
        // map_range(): for each page, remap_pfn_range(vma, va, page_to_pfn(page), PAGE_SIZE,
        // vm_get_page_prot(vm_flags & ~VM_SHARED)): the "private" protection is read-only, so the first write to
        // any page faults into perf_mmap_pfn_mkwrite. Sets VM_PFNMAP.
        var prot = PgProt.VmGetPageProt(vma.Flags & ~VmFlags.Shared);
        for (int vpn = vma.Start; vpn < vma.End; vpn++)
        {
            int err = RemapPfnRange.Remap(k, vma, vpn, _rb.PageAt(vma.PgoffOf(vpn)).Pfn, 1, prot, actor);
            if (err != 0) return err;
        }
        return 0;
    }

    /// <summary>perf_mmap_pfn_mkwrite(): "The first page is the user control page, others are read-only."</summary>
    public override ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf)
    {
        if (cur.K.Knobs.PerfMkwriteAnyPage) return new(VmFault.None); // knob: every page accepted
        return new(vmf.Pgoff == 0 ? VmFault.None : VmFault.SigBus);
    }

    /// <summary>perf_mmap_may_split(): -EINVAL (b024d7b56c77); knob perf-allow-split: no may_split hook.</summary>
    public override bool MaySplit(Vma vma, int addr) => _rb.K.Knobs.PerfAllowSplit;


    /// <summary>perf_mmap_open().</summary>
    public override void Open(KernelActor cur, Vma vma) => _rb.MmapOpen(cur, vma);

    /// <summary>perf_mmap_close(), from remove_vma().</summary>
    public override void Close(KernelActor cur, Vma vma) => _rb.MmapClose(cur, vma);

    /// <summary>perf_mmap_fault() (legacy) as -&gt;fault and, with FAULT_FLAG_MKWRITE, as -&gt;page_mkwrite.</summary>
    public override ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf) => new(PerfMmapFault(cur, vmf));

    public override ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf) => new(PerfMmapFault(cur, vmf));

    private VmFault PerfMmapFault(KernelActor cur, Vmf vmf)
    {
        if (vmf.Mkwrite)
        {
            if (cur.K.Knobs.PerfMkwriteAnyPage) return VmFault.None;
            return vmf.Pgoff == 0 ? VmFault.None : VmFault.SigBus;
        }
        var rb = _rb;
        if (!rb.Attached) return VmFault.SigBus;                      // rcu_dereference(event->rb) == NULL
        if (vmf.Pgoff != 0 && vmf.Write) return VmFault.SigBus;      // write fault on a data page
        if (vmf.Pgoff >= rb.NrPages) return VmFault.SigBus;          // perf_mmap_to_page() == NULL
        var page = rb.PageAt(vmf.Pgoff);
        cur.K.FolioGet(page);
        if (!cur.K.Knobs.PerfLegacyNoMapping)
        {
            // "so do_page_mkwrite's !folio->mapping check does not retry": a fake page-cache identity.
            page.Mapping = vmf.Vma.Mapping;
            page.Index = vmf.Pgoff;
        }
        vmf.Page = page;
        return VmFault.None;
    }
}

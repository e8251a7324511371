namespace StressVm.Kernel;

/// <summary>
/// A driver that maps its own memory at mmap time with remap_pfn_range (VM_PFNMAP, special read-only
/// PTEs, no struct page refcounting) and accepts every first write in -&gt;pfn_mkwrite, as the perf ring
/// buffer does since b709eb872e19. Drivers with their own bookkeeping derive from it.
/// </summary>
public class PfnMapOps : VmOperations
{
    public static readonly PfnMapOps Instance = new();

    public override string Name => "pfnmap";
    public override bool HasPfnMkwrite => true;

    /// <summary>
    /// -&gt;mmap: one kernel frame per page, remap_pfn_range() with the read-only protection perf's map_range passes
    /// (vm_get_page_prot(vm_flags &amp; ~VM_SHARED)), so every first write reaches -&gt;pfn_mkwrite.
    /// </summary>
    public override int Mmap(KernelState k, Vma vma, int actor)
    {
        var prot = PgProt.VmGetPageProt(vma.Flags & ~VmFlags.Shared);
        for (int vpn = vma.Start; vpn < vma.End; vpn++)
        {
            var f = k.AllocFrame(FrameKind.Kernel);
            int err = RemapPfnRange.Remap(k, vma, vpn, f.Pfn, 1, prot, actor);
            if (err != 0) return err;
        }
        return 0;
    }

    public override ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf) => new(VmFault.None);
}

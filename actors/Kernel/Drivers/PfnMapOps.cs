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

    /// <summary>remap_pfn_range(): one kernel frame per page, mapped read-only and special.</summary>
    public override void Populate(KernelState k, Vma vma)
    {
        for (int vpn = vma.Start; vpn < vma.End; vpn++)
        {
            var f = k.AllocFrame(FrameKind.Kernel);
            vma.Mm.SetPte(vpn, new Pte { Present = true, Pfn = f.Pfn, Special = true }, -1);
        }
    }

    public override ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf) => new(VmFault.None);
}

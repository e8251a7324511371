using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// vmf_insert_pfn() / vmf_insert_pfn_prot() (mm/memory.c, v7.0-rc6 l.2710-2760): a -&gt;fault handler inserts one
/// pfn as a special PTE (no struct page, no refcount, no rmap) with the protection it passes, or vma-&gt;vm_page_prot
/// read at the call (vmf_insert_pfn). Both end in insert_pfn(..., mkwrite = false) (<see cref="DaxInsertPfn.InsertPfn"/>):
/// a PTE already present is left alone (VM_FAULT_NOPAGE either way).
/// </summary>
public static class VmfInsertPfn
{
    /// <summary>vmf_insert_pfn(vma, addr, pfn) = vmf_insert_pfn_prot(vma, addr, pfn, vma-&gt;vm_page_prot).</summary>
    public static ValueTask<VmFault> Insert(KernelActor cur, Vmf vmf, int pfn) => InsertProt(cur, vmf, pfn, vmf.Vma.PageProt);

    /// <summary>
    /// vmf_insert_pfn_prot(): BUG_ON unless VM_PFNMAP or VM_MIXEDMAP (exactly one); SIGBUS outside the VMA; then
    /// insert_pfn with <paramref name="prot"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> InsertProt(KernelActor cur, Vmf vmf, int pfn, PgProt prot)
    {
        var vma = vmf.Vma;
        var special = vma.Flags & (VmFlags.PfnMap | VmFlags.MixedMap);
        if (special == VmFlags.None || special == (VmFlags.PfnMap | VmFlags.MixedMap))
        {
            cur.K.Warn(cur.ActorId, $"vmf_insert_pfn_prot: BUG_ON(!(vma->vm_flags & (VM_PFNMAP|VM_MIXEDMAP))) on {vma}");
            return VmFault.SigBus;
        }
        if (!vma.Contains(vmf.Vpn)) return VmFault.SigBus;
        return await DaxInsertPfn.InsertPfn(cur, vmf, pfn, mkwrite: false, prot).ConfigureAwait(false);
    }
}

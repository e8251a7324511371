using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A shared anonymous VMA: mmap(MAP_SHARED | MAP_ANONYMOUS) is shmem in the kernel (v7.0-rc6 mmap_region ->
/// shmem_zero_setup, mm/shmem.c): an unlinked tmpfs file of the VMA's size, shmem_vm_ops = { .fault =
/// shmem_fault, .map_pages = filemap_map_pages } (no page_mkwrite). shmem_fault -&gt; shmem_get_folio_gfp finds
/// or allocates a zeroed page-cache folio and returns it locked (VM_FAULT_LOCKED), so MADV_DONTNEED only drops
/// the PTE and the next access refaults the same page. The mapping has no writeback (no lost-write oracle).
/// </summary>
public sealed class ShmemOps : VmOperations
{
    private readonly ShmemInode _inode = new();

    public override string Name => "shmem";
    public override bool HasFault => true;
    public override DriverDevice Device => _inode;

    /// <summary>shmem_fault(): the folio, referenced and locked (VM_FAULT_LOCKED).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf)
    {
        var mapping = vmf.Vma.Mapping!;
        int index = vmf.Pgoff;
        if (index >= mapping.Pages.Length) return VmFault.SigBus; // beyond i_size
        var page = FilemapOps.FindOrCreatePage(cur.K, mapping, index); // shmem_get_folio_gfp(SGP_CACHE): zeroed
        cur.K.FolioGet(page);
        await cur.FolioLock(page);
        vmf.Page = page;
        return VmFault.Locked;
    }

    /// <summary>The shmem inode: swap-backed, never written back to a file.</summary>
    private sealed class ShmemInode : DriverDevice
    {
        public override string Name => "shmem";

        public override void Reset(KernelState k, AddressSpace? mapping)
        {
            if (mapping is not null) mapping.Tracked = false; // no writeback: nothing to lose to a disk
        }
    }
}

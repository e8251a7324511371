using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A page-cache file with a filesystem that tracks dirtying (filemap_fault + an iomap/block style
/// page_mkwrite): -&gt;page_mkwrite locks the folio, sets up the filesystem's per-dirty-page state
/// (<see cref="Frame.FsPrivate"/>), marks it dirty and returns VM_FAULT_LOCKED. No -&gt;map_pages, so
/// every -&gt;fault and -&gt;page_mkwrite runs under mmap_lock (vmf_can_call_fault).
/// </summary>
public sealed class FilemapOps : VmOperations
{
    public static readonly FilemapOps Instance = new();

    public override string Name => "filemap";
    public override bool HasFault => true;
    public override bool HasPageMkwrite => true;

    /// <summary>filemap_get_folio or a new page-cache folio (the cache holds one reference).</summary>
    public static Frame FindOrCreatePage(KernelState k, AddressSpace mapping, int index)
    {
        var page = mapping.Pages[index];
        if (page is not null) return page;
        page = k.AllocFrame(FrameKind.Normal);
        page.Mapping = mapping;
        page.Index = index;
        page.Refcount = 1;
        mapping.Pages[index] = page;
        return page;
    }

    /// <summary>filemap_fault(): find the folio, take a reference for the mapping, lock it, VM_FAULT_LOCKED.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf)
    {
        var mapping = vmf.Vma.Mapping!;
        int index = vmf.Pgoff;
        if (index >= mapping.Pages.Length) return VmFault.SigBus; // beyond i_size
        var page = FindOrCreatePage(cur.K, mapping, index);
        cur.K.FolioGet(page);
        await cur.FolioLock(page);
        vmf.Page = page;
        return VmFault.Locked;
    }

    /// <summary>write(2): file_operations-&gt;write_iter (shmem_file_write_iter -&gt; generic_perform_write) into the page cache.</summary>
    public override ValueTask FileWrite(KernelActor cur, Vma vma, int pgoff, int pages) => GenericPerformWrite.Write(cur, vma.Mapping!, pgoff, pages);

    /// <summary>block_page_mkwrite()-like: lock, check truncate, set up the fs state, mark dirty, LOCKED.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf)
    {
        var page = vmf.Page!;
        await cur.FolioLock(page);
        if (page.Mapping != vmf.Vma.Mapping)
        {
            cur.FolioUnlock(page);
            return VmFault.NoPage;
        }
        page.FsPrivate = true;
        cur.K.FolioMarkDirty(page);
        return VmFault.Locked;
    }
}

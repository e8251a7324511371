namespace StressVm.Kernel;

/// <summary>
/// A physical frame (struct page / folio). Content is the value of the last store (stores write unique
/// values), DiskContent what writeback last copied out. PteMaps is the model's truth (present PTEs that
/// map it), Mapcount the kernel's rmap accounting: oracles compare the two.
/// </summary>
public sealed class Frame
{
    public int Pfn;
    public FrameKind Kind;
    public long Content;
    public long DiskContent;
    public int Refcount;
    public int Mapcount;
    public int PteMaps;
    /// <summary>PG_dirty.</summary>
    public bool Dirty;
    public bool Freed;
    public bool Anon;
    /// <summary>An fsdax page at v7.0 (dax.version): refcounted and rmapped like a folio ("fs/dax: properly refcount fs dax pages", v6.15).</summary>
    public bool FsDaxRefcounted;
    /// <summary>A page user space may map but never write (perf ring-buffer data pages): a user store to it is write-to-readonly when it happens.</summary>
    public bool UserReadOnly;
    /// <summary>
    /// A page type for "kernel allocations mapped to user space" (Hildenbrand's proposal, seeds/001: not in v7.0):
    /// vm_insert_pages_prot() leaves it unrefcounted and unmapped and vm_normal_page() refuses it.
    /// </summary>
    public bool KernelMappedType;
    /// <summary>The filesystem's per-dirty-page state set up by ->page_mkwrite (buffers, NFS write request).</summary>
    public bool FsPrivate;
    /// <summary>folio->mapping: null for kernel/device pages and after truncate.</summary>
    public AddressSpace? Mapping;
    /// <summary>folio->index in its mapping.</summary>
    public int Index;
    /// <summary>folio_lock() state.</summary>
    public readonly LockState PageLock = new("page", LockKind.Mutex);

    internal void Init(int pfn, FrameKind kind)
    {
        Pfn = pfn;
        Kind = kind;
        Content = 0;
        DiskContent = 0;
        Refcount = 0;
        Mapcount = 0;
        PteMaps = 0;
        Dirty = false;
        Freed = false;
        Anon = false;
        FsDaxRefcounted = false;
        UserReadOnly = false;
        KernelMappedType = false;
        FsPrivate = false;
        Mapping = null;
        Index = 0;
        PageLock.Reset();
    }

    /// <summary>Reference counting does not apply to special frames (zero page, device PFNs; fsdax pages before v6.15).</summary>
    public bool IsRefcounted => Kind is FrameKind.Normal || FsDaxRefcounted;

    public override string ToString() => Mapping is null
        ? $"pfn {Pfn} ({Kind.ToString().ToLowerInvariant()}{(Anon ? ", anon" : "")})"
        : $"pfn {Pfn} ({Mapping.Name}[{Index}])";
}

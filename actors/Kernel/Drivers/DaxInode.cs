using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// A file on a DAX filesystem: its blocks (device memory, mapped directly), the DAX entries in
/// mapping-&gt;i_pages with their locks and tags. CPUs reach it through faults and through fsync(2) and
/// write(2) on the file. With "PMD" entries (driver dax-pmd) the file is fully allocated and each entry
/// spans 2 pages, as a PMD entry spans 512; with PTE entries (driver dax) it starts as holes.
/// </summary>
public sealed class DaxInode : DriverDevice
{
    private Frame?[] _blocks = [];
    private DaxEntry[] _entries = [];
    /// <summary>Snapshot arrays of fsyncs that returned, reused by the next ones (no allocation per run).</summary>
    private readonly Stack<long[]> _freeSnapshots = new();

    public DaxInode(bool pmd) => Pmd = pmd;

    public override string Name => Pmd ? "dax-pmd" : "dax";
    public bool Pmd { get; }
    /// <summary>Pages per entry: 2 stands for a PMD entry in this model.</summary>
    public int EntryPages => Pmd ? 2 : 1;
    public KernelState K { get; private set; } = null!;
    public AddressSpace Mapping { get; private set; } = null!;
    /// <summary>Where write(2) may be preempted between invalidating entries and unmapping page tables.</summary>
    public PreemptionPoint Preempt { get; } = new();
    /// <summary>The first fsync that returned with a store made before it not durable (reported at the end).</summary>
    public string? LostAtFsync;
    public int Pages => _blocks.Length;

    public long FsyncPasses, EntriesFlushed, ZeroPageMaps, BlockAllocs;
    /// <summary>v7.0: write faults that got VM_FAULT_SIGBUS from insert_page_into_pte_locked's -EFAULT (FINDINGS.md).</summary>
    public long InsertSigbus;

    public override void Attach(ActorSystem system, KernelState k) => K = k;

    public override void Reset(KernelState k, AddressSpace? mapping)
    {
        Mapping = mapping ?? throw new InvalidOperationException("a dax VMA needs a file");
        mapping.Tracked = false; // no page cache: durability is this device's fsync oracle
        int n = mapping.Pages.Length;
        int groups = (n + EntryPages - 1) / EntryPages;
        if (_blocks.Length != n)
        {
            _blocks = new Frame?[n];
            _freeSnapshots.Clear();
            _entries = new DaxEntry[groups];
            for (int g = 0; g < groups; g++) _entries[g] = new DaxEntry(g * EntryPages);
        }
        Array.Clear(_blocks);
        for (int g = 0; g < groups; g++)
        {
            _entries[g].Reset(g * EntryPages, Math.Min(EntryPages, n - g * EntryPages));
            k.PageLocks.Own(_entries[g].Lock);
        }
        // PMD files are fully written before the run: contiguous blocks per entry, no holes.
        if (Pmd) for (int i = 0; i < n; i++) _blocks[i] = NewBlock(k);
        FsyncPasses = EntriesFlushed = ZeroPageMaps = BlockAllocs = InsertSigbus = 0;
        LostAtFsync = null;
        Preempt.Reset(k);
    }

    private Frame NewBlock(KernelState k)
    {
        BlockAllocs++;
        var f = k.AllocFrame(FrameKind.Device);
        if (k.Knobs.DaxVersion == DaxVersion.V7_0)
        {
            // v6.15+ ("fs/dax: properly refcount fs dax pages"): each PTE holds a reference and an rmap. The
            // model holds one more for the file's block: at 0 free_zone_device_folio() only marks an fsdax
            // page idle (the block stays the file's); it never goes back to an allocator.
            f.FsDaxRefcounted = true;
            f.Refcount = 1;
        }
        return f;
    }

    public DaxEntry EntryOf(int index) => _entries[index / EntryPages];
    public DaxEntry EntryAt(int group) => _entries[group];
    public int EntryCount => _entries.Length;
    public Frame? BlockAt(int index) => _blocks[index];

    /// <summary>iomap_begin with IOMAP_WRITE: allocate a block under a hole (ext4/xfs block allocation).</summary>
    public Frame AllocateBlock(int index) => _blocks[index] ??= NewBlock(K);

    /// <summary>
    /// fsync start: the stores made so far are the ones THIS fsync must make durable. One snapshot per call, so
    /// two overlapping fsyncs are each held to the stores made before their own start.
    /// </summary>
    public long[] SnapshotForFsync()
    {
        var snap = _freeSnapshots.Count > 0 ? _freeSnapshots.Pop() : new long[_blocks.Length];
        for (int i = 0; i < _blocks.Length; i++) snap[i] = _blocks[i]?.Content ?? 0;
        return snap;
    }

    /// <summary>fsync return: a block whose flushed content is older than its content at this fsync's start lost data.</summary>
    public void CheckDurable(long[] snapshot)
    {
        if (LostAtFsync is null) LostAtFsync = FindLost(snapshot);
        _freeSnapshots.Push(snapshot);
    }

    private string? FindLost(long[] snapshot)
    {
        for (int i = 0; i < _blocks.Length; i++)
        {
            var b = _blocks[i];
            if (b is null || b.DiskContent >= snapshot[i]) continue;
            return $"fsync returned but store {snapshot[i]} to {Mapping.Name}[{i}] (pfn {b.Pfn}), made before the fsync began, " +
                   $"is not durable (flushed: {b.DiskContent}); its entry is {(EntryOf(i).Dirty ? "dirty" : "clean")}, so no later fsync flushes it either";
        }
        return null;
    }

    public override (string Invariant, string Detail)? AtEnd(KernelState k) =>
        LostAtFsync is null ? null : (Invariants.LostWrite, LostAtFsync);

    public override void AddCounters(IDictionary<string, long> into)
    {
        Add(into, "dax-fsync-passes", FsyncPasses);
        Add(into, "dax-entries-flushed", EntriesFlushed);
        Add(into, "dax-zero-page-maps", ZeroPageMaps);
        Add(into, "dax-insert-sigbus", InsertSigbus);
    }
}

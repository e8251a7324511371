namespace StressVm.Kernel;

/// <summary>What a DAX mapping entry in mapping-&gt;i_pages holds (fs/dax.c DAX_ZERO_PAGE / DAX_EMPTY / a pfn).</summary>
public enum DaxEntryKind : byte { Empty, Zero, Pfn }

/// <summary>
/// One DAX entry: its kind, first index and size (1 page, or 2 for the model's "PMD" entries), the pfn of its
/// first block, the DIRTY and TOWRITE xarray tags, and the entry lock (DAX_LOCKED) that plays the page lock's
/// role between faults, writeback and invalidation.
/// </summary>
public sealed class DaxEntry
{
    public DaxEntry(int index) => Lock = new LockState($"dax_entry[{index}]", LockKind.Mutex);

    public DaxEntryKind Kind;
    public int Index;
    public int Count = 1;
    public int BasePfn;
    public bool Dirty, ToWrite;
    public LockState Lock { get; }

    internal void Reset(int index, int count)
    {
        Kind = DaxEntryKind.Empty;
        Index = index;
        Count = count;
        BasePfn = 0;
        Dirty = ToWrite = false;
        Lock.Reset();
    }
}

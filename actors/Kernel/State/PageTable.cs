namespace StressVm.Kernel;

/// <summary>One PTE table (PTRS_PER_PTE entries) and its split PTL.</summary>
public sealed class PageTable
{
    public const int PtrsPerPte = 512;

    public PageTable(int index)
    {
        BaseVpn = index * PtrsPerPte;
        Ptl = new LockState($"ptl[{index}]", LockKind.Spin);
    }

    public int BaseVpn { get; }
    public Pte[] Ptes { get; } = new Pte[PtrsPerPte];
    public LockState Ptl { get; }

    /// <summary>One past the highest entry set_pte_at wrote since the last reset: Reset clears only that much.</summary>
    internal int Used;

    internal void Reset()
    {
        Array.Clear(Ptes, 0, Used);
        Used = 0;
        Ptl.Reset();
    }
}

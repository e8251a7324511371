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

    /// <summary>The lowest entry and one past the highest that set_pte_at wrote since the last reset: Reset clears only those.</summary>
    internal int Low = PtrsPerPte, Used;

    internal void Reset()
    {
        if (Used > Low) Array.Clear(Ptes, Low, Used - Low);
        Low = PtrsPerPte;
        Used = 0;
        Ptl.Reset();
    }
}

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

    internal void Reset()
    {
        Array.Clear(Ptes);
        Ptl.Reset();
    }
}

namespace StressVm.Kernel;

/// <summary>A write-protect walk: which walker, over which frames [Pfn, Pfn + Pages), and what it cleaned.</summary>
public sealed class WalkRecord
{
    public readonly List<(MmStruct Mm, int Vpn)> Cleaned = new();
    public string Walker = "";
    public Frame? Frame;
    public int Pages = 1;
    /// <summary>folio_mkclean() returned at once: the folio was mapped nowhere (folio_mapped() false), so no PTE was visited.</summary>
    public bool FolioUnmapped;

    public void Start(string walker, Frame? frame, int pages = 1)
    {
        Walker = walker;
        Frame = frame;
        Pages = pages;
        FolioUnmapped = false;
        Cleaned.Clear();
    }
}

/// <summary>An unmapping syscall in flight: its range and when it started (for the post-return TLB check).</summary>
public sealed class ZapRecord
{
    public MmStruct Mm = null!;
    public int Start, End;
    public long StartedAt;
    public string Syscall = "";

    /// <summary>A syscall starts zapping [start, end) of <paramref name="mm"/> now.</summary>
    public void Begin(KernelState k, MmStruct mm, int start, int end, string syscall)
    {
        Mm = mm;
        Start = start;
        End = end;
        StartedAt = ++k.Clock;
        Syscall = syscall;
    }
}

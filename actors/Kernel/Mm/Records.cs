namespace StressVm.Kernel;

/// <summary>What a write-protect walk cleaned: (mm, vpn, generation of the PTE it write-protected).</summary>
public sealed class WalkRecord
{
    public readonly List<(MmStruct Mm, int Vpn, int OldPteId)> Cleaned = new();
    public string Walker = "";
    public Frame? Frame;

    public void Start(string walker, Frame? frame)
    {
        Walker = walker;
        Frame = frame;
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
}

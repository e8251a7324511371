namespace StressVm.Kernel;

/// <summary>A cached translation: what the hardware walk saw (pfn, write, dirty) and which PTE it came from.</summary>
public struct TlbEntry
{
    public int Vpn;
    public int Pfn;
    public bool Write, Dirty;
    /// <summary>Generation of the PTE the entry was filled from.</summary>
    public int PteId;
    /// <summary>KernelState.Clock when the entry was filled.</summary>
    public long FilledAt;
}

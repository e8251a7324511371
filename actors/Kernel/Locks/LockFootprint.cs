using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>The footprint key of one lock (for verify's partial-order reduction): its name, which is unique per lock.</summary>
public static class LockFootprint
{
    /// <summary>The model's resource space for locks (PTLs, mmap_lock, page locks, i_mmap_rwsem).</summary>
    public const int Space = Footprint.FirstModelSpace;

    public static long Of(LockState l) => Footprint.Of(Space, (long)StableHash.Of(l.Name));
}

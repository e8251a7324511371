using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// What kernel steps touch, for verify's partial-order reduction. Kernel code (a CPU's fault or syscall path,
/// writeback, a driver's worker) reads and writes the model's memory through plain fields, so every such step
/// declares <see cref="Memory"/>: all of <see cref="KernelState"/> but the locks' own state. A lock's state is
/// its own resource (<see cref="LockFootprint"/>), declared by <see cref="LockState"/> itself whenever a step
/// reads or changes it, so a lock grant commutes with the kernel steps of other tasks that do not look at that
/// lock. Coarse on purpose: a step that under-declares makes verify miss interleavings and call a buggy
/// scenario clean, so what is not split out here stays in <see cref="Memory"/>.
/// </summary>
public static class KernelFootprint
{
    /// <summary>The resource space of kernel memory (locks have <see cref="LockFootprint.Space"/>).</summary>
    public const int Space = Footprint.FirstModelSpace + 1;

    /// <summary>Frames, mms (VMAs, page tables, PTEs, TLBs), files, devices, counters and the monitors' inputs.</summary>
    public static readonly long Memory = Footprint.Of(Space, 0);
}

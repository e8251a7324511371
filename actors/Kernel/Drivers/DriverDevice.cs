using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// A driver's own state and actors behind its vm_operations (fb_info + its deferred work, a perf event
/// and its ring buffer, a DAX inode and its fsync): built once per model, reset in place for every run.
/// VMAs of the same driver and file share one device, as two mmaps of /dev/fb0 share one fb_info.
/// </summary>
public abstract class DriverDevice
{
    public abstract string Name { get; }

    /// <summary>Once, while the model is built: create the device's actors in <paramref name="system"/>.</summary>
    public virtual void Attach(ActorSystem system, KernelState k) { }

    /// <summary>Every run, after the memory reset and before the VMAs are populated (driver probe/init).</summary>
    public virtual void Reset(KernelState k, AddressSpace? mapping) { }

    /// <summary>Every run, once the actors are started: send the device actors' first messages.</summary>
    public virtual void Start() { }

    /// <summary>The device's oracle over the final state (null: fine). Invariant names come from <see cref="Invariants"/>.</summary>
    public virtual (string Invariant, string Detail)? AtEnd(KernelState k) => null;

    /// <summary>The frame the last <see cref="AtEnd"/> violation is about (its lost store's history names the bug), if any.</summary>
    public Frame? EndFrame { get; protected set; }

    /// <summary>The last run's counters, added into the run summary (see ISimulationModel.AddCounters).</summary>
    public virtual void AddCounters(IDictionary<string, long> into) { }

    protected static void Add(IDictionary<string, long> d, string key, long v) => d[key] = (d.TryGetValue(key, out var old) ? old : 0) + v;
}

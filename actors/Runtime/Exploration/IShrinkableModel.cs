namespace StressVm.Runtime;

/// <summary>
/// A model whose per-seed workload is a list of program operations (loads, stores, syscalls) that can be
/// left out one by one. The minimizer drops operations (delta debugging) while the run still fails the same
/// invariant. Optional: a model that does not implement it is minimized over its schedule only.
/// </summary>
public interface IShrinkableModel : ISimulationModel
{
    /// <summary>How many operations the program of <paramref name="seed"/> has, with nothing dropped.</summary>
    int OperationCount(ulong seed);

    /// <summary>
    /// Indices (into the seed's program) of the operations the next runs leave out; empty runs the whole
    /// program. Applied by <see cref="ISimulationModel.PrepareRun"/>, so a run stays a pure function of
    /// (model settings, dropped operations, strategy, seed).
    /// </summary>
    IReadOnlySet<int> DroppedOperations { get; set; }
}

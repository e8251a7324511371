namespace StressVm.Scenarios.Soak;

/// <summary>
/// What a <see cref="SoakWorker"/> reports to while it runs a chunk: the campaign coordinator (an Akka actor in
/// StressVm.Campaign, locally or across machines) or a test. Called on the worker's own thread; must not block for long.
/// </summary>
public interface ISoakWorkerHost
{
    /// <summary>True once the session stops: the worker finishes the simulation it is in and abandons its chunk.</summary>
    bool StopRequested { get; }

    /// <summary>A failure whose signature this worker had not seen yet (the coordinator dedups across workers).</summary>
    void Discovered(FailureFound failure);

    /// <summary>A simulation that the runtime caught throwing (a model defect, not a found bug).</summary>
    void InternalError(InternalErrorFound error);

    void Warn(string message);
}

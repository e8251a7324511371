namespace StressVm.Campaign.Workers;

/// <summary>
/// One node's "stop after the current simulation": set by the node actor (on StopWork) and read by its workers
/// between seeds, since a worker busy in a chunk takes no message until the chunk ends.
/// </summary>
public sealed class StopSignal
{
    private volatile bool _set;

    public bool IsSet => _set;

    public void Set() => _set = true;
}

using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Coordinator;

/// <summary>End the session: workers finish the simulation they are in and give their chunks back (local only).</summary>
public sealed record StopCampaign(SoakStopReason Reason);

/// <summary>Asks the coordinator for a <see cref="SoakProgress"/> (local only: the progress display).</summary>
public sealed record GetProgress
{
    public static readonly GetProgress Instance = new();
}

/// <summary>Sent by the duration timer.</summary>
internal sealed record DurationElapsed
{
    public static readonly DurationElapsed Instance = new();
}

/// <summary>Sent by the coordinator's timer: save the merged coverage beside the journal.</summary>
internal sealed record SaveCoverage
{
    public static readonly SaveCoverage Instance = new();
}

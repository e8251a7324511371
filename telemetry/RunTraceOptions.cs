namespace StressVm.Telemetry;

/// <summary>
/// How a run becomes spans. The clock is logical: a step lasts <see cref="MicrosPerStep"/> microseconds after
/// <see cref="BaseTime"/>, never the wall clock, so the same run always has the same timestamps.
/// </summary>
public sealed record RunTraceOptions
{
    public static readonly DateTimeOffset DefaultBaseTime = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static RunTraceOptions Default { get; } = new();

    /// <summary>When step 0 starts.</summary>
    public DateTimeOffset BaseTime { get; init; } = DefaultBaseTime;

    /// <summary>How long one step lasts on the timeline, in microseconds (at least 1).</summary>
    public long MicrosPerStep { get; init; } = 1000;

    /// <summary>The service (Jaeger process) of the run's root span.</summary>
    public string RootService { get; init; } = "stressvm";

    /// <summary>
    /// Adds a "step" event (message, sender, kind) to the innermost span its actor had open when each step began
    /// (a reply resuming a fault lands inside the fault); steps of an actor with no open span get none.
    /// </summary>
    public bool StepEvents { get; init; } = true;

    /// <summary>Longer details and message texts are cut to this many characters.</summary>
    public int MaxTextLength { get; init; } = 1024;

    /// <summary>Unix time in nanoseconds at which step <paramref name="step"/> starts.</summary>
    public long TimeOfStep(long step)
    {
        long baseNanos = (BaseTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return baseNanos + step * Math.Max(1, MicrosPerStep) * 1000;
    }
}

namespace StressVm.Scenarios.Soak;

/// <summary>Why a soak session ended.</summary>
public enum SoakStopReason { Duration, MaxSchedules, Cancelled, WorkerFailed }

/// <summary>What a soak session did, and the state directory's distinct failures after it.</summary>
public sealed record SoakSummary(
    long Schedules,
    long Steps,
    TimeSpan Elapsed,
    SoakStopReason Reason,
    long TotalSchedules,
    long InternalErrors,
    int NewFailures,
    IReadOnlyList<FailureEntry> Failures,
    int UnwrittenRecords)
{
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Schedules / Elapsed.TotalSeconds : 0;
}

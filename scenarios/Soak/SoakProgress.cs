namespace StressVm.Scenarios.Soak;

/// <summary>A snapshot of a running soak, for the live display and the log lines.</summary>
public sealed record SoakProgress(
    long Schedules,
    long TotalSchedules,
    double SchedulesPerSecond,
    int DistinctFailures,
    long InternalErrors,
    TimeSpan Elapsed,
    TimeSpan? TimeLeft,
    int Workers,
    long? MaxSchedules,
    TimeSpan? Duration)
{
    /// <summary>Share done of whichever limit is nearer, in [0, 1]; null with no limit.</summary>
    public double? Fraction
    {
        get
        {
            double? byTime = Duration is { } d && d > TimeSpan.Zero ? Elapsed / d : null;
            double? byCount = MaxSchedules is { } m && m > 0 ? (double)Schedules / m : null;
            double? f = byTime is null ? byCount : byCount is null ? byTime : Math.Max(byTime.Value, byCount.Value);
            return f is null ? null : Math.Clamp(f.Value, 0, 1);
        }
    }

    /// <summary>"12,345 schedules (1,234,567 in all), 4,321/s, 2 distinct bugs, 0 internal errors, 00:01:02 elapsed, 07:58:58 left".</summary>
    public string ToLine() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Schedules:N0} schedules ({TotalSchedules:N0} in all), {SchedulesPerSecond:N0}/s, {DistinctFailures} distinct bug(s), " +
            $"{InternalErrors} internal error(s), {Elapsed:hh\\:mm\\:ss} elapsed{(TimeLeft is { } t ? $", {t:hh\\:mm\\:ss} left" : "")}");
}

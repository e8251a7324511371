namespace StressVm.Scenarios.Minimize;

/// <summary>Header keys of schedule files written by the soak and the minimizer.</summary>
public static class ScheduleHeader
{
    public const string Scenario = "scenario";
    public const string Seed = "seed";
    /// <summary>The strategy that recorded the schedule, in <see cref="Soak.ReplayCommandFormat.ToText"/> form.</summary>
    public const string Strategy = "strategy";
    public const string Signature = "signature";
    public const string Invariant = "invariant";
}

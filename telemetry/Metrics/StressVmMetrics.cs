using System.Diagnostics.Metrics;

namespace StressVm.Telemetry;

/// <summary>
/// The campaign's OpenTelemetry metrics on the Meter "StressVm": schedules run, steps taken, violations by
/// invariant (findings of any kind, tagged), and schedules per second (wall time: measured outside the
/// simulation, never feeding it). Any OpenTelemetry MeterProvider (or a MeterListener) that listens to
/// "StressVm" picks them up.
/// </summary>
public sealed class StressVmMetrics : IDisposable
{
    public const string MeterName = "StressVm";

    private readonly Meter _meter;
    private readonly Counter<long> _schedules;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _violations;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _scheduleCount;

    public StressVmMetrics(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        _meter = new Meter(MeterName, "1.0");
        _schedules = _meter.CreateCounter<long>("stressvm.schedules", "{schedule}", "Schedules (runs) explored");
        _steps = _meter.CreateCounter<long>("stressvm.steps", "{step}", "Scheduling steps taken");
        _violations = _meter.CreateCounter<long>("stressvm.violations", "{violation}", "Runs that found a bug, by invariant");
        _meter.CreateObservableGauge("stressvm.schedules_per_second", () => SchedulesPerSecond, "{schedule}/s", "Schedules per second since start");
    }

    public Meter Meter => _meter;

    public long Schedules => Interlocked.Read(ref _scheduleCount);

    public double SchedulesPerSecond
    {
        get
        {
            double s = _time.GetElapsedTime(_started).TotalSeconds;
            return s <= 0 ? 0 : Schedules / s;
        }
    }

    /// <summary>Counts one finished run of <paramref name="scenario"/>.</summary>
    public void RecordRun(string scenario, RunResult result)
    {
        Interlocked.Increment(ref _scheduleCount);
        var scen = new KeyValuePair<string, object?>("scenario", scenario);
        var outcome = new KeyValuePair<string, object?>("outcome", RunTraceBuilder.VerdictName(result.Outcome));
        _schedules.Add(1, scen, outcome);
        _steps.Add(result.Steps, scen);
        if (result.FindingName is { } finding && result.Outcome != Outcome.ReplayDiverged)
            _violations.Add(1, scen, new KeyValuePair<string, object?>("invariant", finding));
    }

    public void Dispose() => _meter.Dispose();
}

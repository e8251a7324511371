namespace StressVm.Telemetry;

/// <summary>What became of the runs handed to the exporter, for the summary.</summary>
public readonly record struct ExportCounts(long Exported, long Dropped, long SampledOut, long Pending)
{
    public override string ToString() =>
        $"{Exported} trace(s) exported, {Dropped} dropped" + (SampledOut > 0 ? $", {SampledOut} passing run(s) not sampled" : "") +
        (Pending > 0 ? $", {Pending} pending" : "");
}

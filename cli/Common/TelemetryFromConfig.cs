using StressVm.Config;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// Maps HOCON's <c>stressvm.telemetry</c> (which already folds in the OTEL_EXPORTER_OTLP_* variables through
/// <c>${?...}</c>) onto the exporter's options; the command line still wins (<see cref="TelemetryCliOptions.Resolve"/>).
/// </summary>
internal static class TelemetryFromConfig
{
    public static TelemetryOptions Map(TelemetrySettings t, bool replay) => new()
    {
        Enabled = t.Enabled,
        Endpoint = Uri.TryCreate(t.Endpoint, UriKind.Absolute, out var u) ? u : null,
        Protocol = t.Protocol == StressVm.Config.OtlpProtocol.HttpProtobuf ? StressVm.Telemetry.OtlpProtocol.HttpProtobuf : StressVm.Telemetry.OtlpProtocol.Grpc,
        SampleShare = replay ? t.SampleShareReplay : t.SampleShare,
    };
}

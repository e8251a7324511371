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
        ShutdownTimeout = t.ShutdownTimeout > TimeSpan.Zero ? t.ShutdownTimeout : StressVm.Telemetry.TelemetryOptions.DefaultShutdownTimeout,
    };

    /// <summary>
    /// Opens the command's telemetry session from HOCON and the command line and runs <paramref name="body"/>
    /// with it, then flushes it (bounded) and prints its counts. A malformed option or variable is exit 2.
    /// </summary>
    public static int WithSession(TelemetryCliOptions tel, System.CommandLine.ParseResult parse, StressVmSettings settings,
        bool replay, string command, Func<TelemetrySession, int> body)
    {
        TelemetrySession session;
        try
        {
            session = tel.CreateSession(parse, Map(settings.Telemetry, replay), replay ? 1.0 : 0.0, Console.Error);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"stressvm {command}: {e.Message}");
            return CliApp.ExitBadInput;
        }
        using (session)
        {
            int rc = body(session);
            TelemetryCliOptions.Finish(session, Console.Error);
            return rc;
        }
    }
}

using System.CommandLine;
using StressVm.Runtime;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// The telemetry options shared by run, replay and soak (<c>--trace-out FILE</c>, <c>--otlp-endpoint URL</c>,
/// <c>--otlp-protocol grpc|http/protobuf</c>, <c>--sample-share X</c>) and the glue from a parse result to a
/// <see cref="TelemetrySession"/>. Usage in a command file:
/// <code>
/// var tel = new TelemetryCliOptions();
/// tel.AddTo(command);
/// // in the action:
/// using var session = tel.CreateSession(parse, fromConfig, defaultSampleShare: 1.0, Console.Error);  // replay: 1.0, run: 0
/// ... RunResult r = system.Run(...);
/// int code = TelemetryCliOptions.ExportRun(session, scenario, recipe, r, system.Trace, tel.TraceOutPath(parse), Console.Error);
/// ... at the end: TelemetryCliOptions.Finish(session, Console.Out);
/// </code>
/// </summary>
public sealed class TelemetryCliOptions
{
    public Option<string?> TraceOut { get; } = new("--trace-out")
    {
        Description = "Write the run's trace to FILE: Jaeger JSON (open it in Jaeger's UI, Search > JSON File), or OTLP JSON when FILE ends in .otlp.json.",
        HelpName = "FILE",
    };

    public Option<string?> OtlpEndpoint { get; } = new("--otlp-endpoint")
    {
        Description = "Export traces over OTLP to this collector (e.g. http://localhost:4317 for gRPC, http://localhost:4318 for http/protobuf). Also OTEL_EXPORTER_OTLP_ENDPOINT.",
        HelpName = "URL",
    };

    public Option<string?> OtlpProtocol { get; } = new("--otlp-protocol")
    {
        Description = "OTLP transport: grpc (default) or http/protobuf. Also OTEL_EXPORTER_OTLP_PROTOCOL.",
        HelpName = "PROTOCOL",
    };

    public Option<double?> SampleShare { get; } = new("--sample-share")
    {
        Description = "Share (0..1) of passing runs exported; failing runs always are.",
        HelpName = "X",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(TraceOut);
        command.Options.Add(OtlpEndpoint);
        command.Options.Add(OtlpProtocol);
        command.Options.Add(SampleShare);
    }

    public string? TraceOutPath(ParseResult parse) => parse.GetValue(TraceOut);

    /// <summary>
    /// The effective options: <paramref name="fromConfig"/> (HOCON <c>stressvm.telemetry</c>, or null), then the
    /// OTEL_EXPORTER_OTLP_* variables, then the command line. Whether export is on is decided by
    /// <see cref="TelemetryOptions.ExportEnabled"/> alone; otherwise only files are written. Throws
    /// <see cref="FormatException"/> for a malformed value (exit code 2).
    /// </summary>
    public TelemetryOptions Resolve(ParseResult parse, TelemetryOptions? fromConfig, double defaultSampleShare,
        Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        var o = fromConfig ?? new TelemetryOptions { Enabled = false, SampleShare = defaultSampleShare };
        bool configEnabled = o.Enabled;
        o = TelemetryOptions.FromEnvironment(o, getenv);
        if (parse.GetValue(OtlpProtocol) is { } p) o = o with { Protocol = TelemetryOptions.ParseProtocol(p) };
        string? cliEndpoint = parse.GetValue(OtlpEndpoint);
        if (cliEndpoint is { } ep)
        {
            if (!Uri.TryCreate(ep, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new FormatException($"--otlp-endpoint: expected an http:// or https:// address, found '{ep}'");
            o = o with { Endpoint = uri, TracesEndpoint = null };
        }
        o = o with { Enabled = TelemetryOptions.ExportEnabled(cliEndpoint is not null, configEnabled, getenv) };
        if (parse.GetValue(SampleShare) is { } share)
        {
            if (!(share >= 0 && share <= 1)) throw new FormatException($"--sample-share: expected a number from 0 to 1, found {share}");
            o = o with { SampleShare = share };
        }
        return o;
    }

    /// <summary>Resolves the options and opens a session that flushes on Ctrl-C and at exit.</summary>
    public TelemetrySession CreateSession(ParseResult parse, TelemetryOptions? fromConfig, double defaultSampleShare,
        TextWriter warnings, RunTraceOptions? traceOptions = null)
    {
        var session = new TelemetrySession(Resolve(parse, fromConfig, defaultSampleShare), traceOptions, warnings);
        session.InstallExitHooks();
        return session;
    }

    /// <summary>
    /// Hands one finished run to telemetry: metrics, the <paramref name="traceOut"/> file if given, and OTLP
    /// export if sampled (every failing run); the trace id and replay command come from <paramref name="recipe"/>.
    /// Call it right after the run, before the system runs again. Returns 0, or 2 when the trace file could not be
    /// written (checked before the run, so this is a late failure): the trace then goes to a fallback file in the
    /// temp directory, whose path is printed. A collector problem is never an error here (counted, warned once).
    /// </summary>
    public static int ExportRun(TelemetrySession session, string scenario, Scenarios.Recipe recipe, RunResult result, Trace trace,
        string? traceOut, TextWriter error, string? replayCommand = null)
    {
        replayCommand ??= recipe.ReplayCommand();
        RunTrace? t;
        try
        {
            t = session.Record(scenario, recipe.Strategy.Text, result, trace, replayCommand, traceOut, traceKey: recipe.TraceKey);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string fallback = Path.Combine(Path.GetTempPath(), $"stressvm-{Environment.ProcessId}-{Path.GetFileName(traceOut)}");
            error.WriteLine($"stressvm: cannot write trace file '{traceOut}': {e.Message}");
            try
            {
                TraceFiles.Write(fallback, session.Builder.Build(scenario, result.Seed, recipe.Strategy.Text, result, trace, replayCommand, recipe.TraceKey));
                error.WriteLine($"stressvm: wrote the trace to {fallback} instead");
            }
            catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"stressvm: the fallback {fallback} failed too: {e2.Message}");
            }
            return CliApp.ExitBadInput;
        }
        if (traceOut is not null && t is not null)
            error.WriteLine($"trace written to {traceOut} ({TraceFiles.FormatOf(traceOut) switch { TraceFileFormat.OtlpJson => "OTLP JSON", _ => "Jaeger JSON" }}), trace id {t.TraceId}");
        return 0;
    }

    /// <summary>The trace id a run is found under in Jaeger ("Lookup by Trace ID"): derived from its whole recipe.</summary>
    public static string TraceIdOf(Scenarios.Recipe recipe) => TraceIds.ForRecipe(recipe.TraceKey).ToHex();

    /// <summary>
    /// Shuts telemetry down (bounded by <c>stressvm.telemetry.shutdown-timeout</c> in all) and prints its counts,
    /// drops and their reason included, on <paramref name="summary"/> when export was on.
    /// </summary>
    public static void Finish(TelemetrySession session, TextWriter summary)
    {
        session.Shutdown();
        if (session.Summary() is { } line) summary.WriteLine(line);
    }
}

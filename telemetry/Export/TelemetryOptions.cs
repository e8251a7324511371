using System.Globalization;

namespace StressVm.Telemetry;

/// <summary>The two OTLP transports: gRPC (port 4317) and protobuf over HTTP (port 4318).</summary>
public enum OtlpProtocol { Grpc, HttpProtobuf }

/// <summary>
/// Where and how traces go. A plain record: the CLI fills it from HOCON (<c>stressvm.telemetry</c>) and from the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> variables (<see cref="FromEnvironment"/>). Defaults aim at a local Jaeger.
/// </summary>
public sealed record TelemetryOptions
{
    public static readonly Uri DefaultGrpcEndpoint = new("http://localhost:4317");
    public static readonly Uri DefaultHttpEndpoint = new("http://localhost:4318");
    public const string GrpcExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string HttpTracesPath = "/v1/traces";

    /// <summary>False: nothing is sent anywhere (files can still be written).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The collector's base address (OTEL_EXPORTER_OTLP_ENDPOINT); null: the protocol's default on localhost.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>
    /// The full traces address (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), used as it is: for http/protobuf no
    /// "/v1/traces" is appended. Wins over <see cref="Endpoint"/>.
    /// </summary>
    public Uri? TracesEndpoint { get; init; }

    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.Grpc;

    /// <summary>Extra request headers (OTEL_EXPORTER_OTLP_HEADERS), e.g. an API key.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The whole budget for exporting one batch, retries included (OTEL_EXPORTER_OTLP_TIMEOUT).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// At exit, how long queued and in-flight exports may still take, all of them together
    /// (<c>stressvm.telemetry.shutdown-timeout</c>); what is left then is dropped and counted. A collector that
    /// accepts connections but never answers delays the exit by this much at most.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary>The share of passing runs exported, 0..1 (failing runs always are). Sampling is by seed.</summary>
    public double SampleShare { get; init; }

    /// <summary>Retries after a failed attempt (connection refused, 429/502/503/504, gRPC UNAVAILABLE...).</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first retry's delay; each next one doubles it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>One attempt's budget; null: <see cref="Timeout"/> shared among the attempts.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>How long the circuit stays open (exports fail at once) after the collector kept failing.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs waiting for export at most; more are dropped (and counted) rather than slowing the runs.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Runs sent in one request at most.</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>Also export the StressVm metrics over OTLP (OTEL_METRICS_EXPORTER=otlp). Off by default: Jaeger takes no metrics.</summary>
    public bool ExportMetrics { get; init; }

    public TimeSpan EffectiveAttemptTimeout =>
        AttemptTimeout ?? TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, Timeout.Ticks / (Math.Max(0, MaxRetries) + 1)));

    /// <summary>The address export requests go to.</summary>
    public Uri ResolveTracesUri()
    {
        if (TracesEndpoint is not null)
            return Protocol == OtlpProtocol.Grpc ? Append(TracesEndpoint, GrpcExportPath) : TracesEndpoint;
        var baseUri = Endpoint ?? (Protocol == OtlpProtocol.Grpc ? DefaultGrpcEndpoint : DefaultHttpEndpoint);
        return Append(baseUri, Protocol == OtlpProtocol.Grpc ? GrpcExportPath : HttpTracesPath);
    }

    private static Uri Append(Uri baseUri, string path)
    {
        string b = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (b.EndsWith(path, StringComparison.Ordinal)) return new Uri(b);
        return new Uri(b + path);
    }

    /// <summary>"grpc" or "http/protobuf" (OTEL_EXPORTER_OTLP_PROTOCOL's values).</summary>
    public static OtlpProtocol ParseProtocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "grpc" => OtlpProtocol.Grpc,
        "http/protobuf" or "http" or "http-protobuf" => OtlpProtocol.HttpProtobuf,
        _ => throw new FormatException($"unknown OTLP protocol '{value}'; expected 'grpc' or 'http/protobuf'"),
    };

    public static string ProtocolName(OtlpProtocol p) => p == OtlpProtocol.Grpc ? "grpc" : "http/protobuf";

    /// <summary>
    /// THE rule for whether traces are exported (README "Telemetry" and HOCON.conf's stressvm.telemetry say the same):
    /// 1. <c>--otlp-endpoint URL</c> on the command line: on (the command line wins over everything);
    /// 2. else <c>OTEL_SDK_DISABLED=true</c>: off;
    /// 3. else on when <c>stressvm.telemetry.enabled = true</c> (HOCON, <c>-D</c>, <c>STRESSVM_TELEMETRY_ENABLED</c>) or
    ///    when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> names a collector;
    /// 4. else off (<c>--trace-out</c> files are still written).
    /// </summary>
    public static bool ExportEnabled(bool commandLineEndpoint, bool configEnabled, Func<string, string?> getenv)
    {
        if (commandLineEndpoint) return true;
        if (string.Equals(getenv("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return false;
        bool envEndpoint = !string.IsNullOrWhiteSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
                           || !string.IsNullOrWhiteSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        return configEnabled || envEndpoint;
    }

    /// <summary>
    /// Applies the standard variables on top of <paramref name="defaults"/>: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
    /// OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL, OTEL_EXPORTER_OTLP_[TRACES_]HEADERS,
    /// OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT (milliseconds) and OTEL_METRICS_EXPORTER: where and how, never whether
    /// (<see cref="ExportEnabled"/> decides that). The signal-specific variable wins. A malformed value is a
    /// <see cref="FormatException"/> naming the variable.
    /// </summary>
    public static TelemetryOptions FromEnvironment(TelemetryOptions? defaults = null, Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        var o = defaults ?? new TelemetryOptions();
        string? Get(string name) => getenv(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        string? GetEither(string traces, string general, out string which)
        {
            if (Get(traces) is { } t) { which = traces; return t; }
            which = general;
            return Get(general);
        }

        if (GetEither("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL", out var pv) is { } protocol)
        {
            try { o = o with { Protocol = ParseProtocol(protocol) }; }
            catch (FormatException e) { throw new FormatException($"{pv}: {e.Message}"); }
        }
        if (Get("OTEL_EXPORTER_OTLP_ENDPOINT") is { } ep) o = o with { Endpoint = ParseUri(ep, "OTEL_EXPORTER_OTLP_ENDPOINT") };
        if (Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is { } tep) o = o with { TracesEndpoint = ParseUri(tep, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") };
        if (GetEither("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS", out var hv) is { } headers)
            o = o with { Headers = ParseHeaders(headers, hv) };
        if (GetEither("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT", out var tv) is { } timeout)
        {
            if (!long.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms <= 0)
                throw new FormatException($"{tv}: expected a positive number of milliseconds, found '{timeout}'");
            o = o with { Timeout = TimeSpan.FromMilliseconds(ms) };
        }
        if (Get("OTEL_METRICS_EXPORTER") is { } me) o = o with { ExportMetrics = me.Split(',').Any(x => x.Trim() == "otlp") };
        return o;
    }

    private static Uri ParseUri(string value, string variable) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")
            ? u
            : throw new FormatException($"{variable}: expected an http:// or https:// address, found '{value}'");

    /// <summary>W3C baggage-like "key1=value1,key2=value2" with percent-encoded values.</summary>
    public static IReadOnlyDictionary<string, string> ParseHeaders(string value, string variable = "OTEL_EXPORTER_OTLP_HEADERS")
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{variable}: expected 'key=value' pairs separated by commas, found '{part}'");
            d[Uri.UnescapeDataString(part[..eq].Trim())] = Uri.UnescapeDataString(part[(eq + 1)..].Trim());
        }
        return d;
    }
}

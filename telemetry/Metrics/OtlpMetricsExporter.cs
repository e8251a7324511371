using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace StressVm.Telemetry;

/// <summary>
/// Exports the meter "StressVm" over OTLP with the OpenTelemetry SDK (same endpoint, protocol, headers and
/// timeout as the traces; resource service.name "stressvm"). Flushing and shutting down are bounded by a
/// budget and never throw: a collector that does not take metrics (Jaeger) costs a warning-free drop.
/// </summary>
public sealed class OtlpMetricsExporter : IDisposable
{
    private readonly MeterProvider _provider;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _shutdownTimeout;
    private int _disposed;

    public OtlpMetricsExporter(TelemetryOptions o, string serviceName = "stressvm", TimeSpan? interval = null)
    {
        _timeout = o.Timeout;
        _shutdownTimeout = o.ShutdownTimeout;
        Target = MetricsUri(o);
        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName))
            .AddMeter(StressVmMetrics.MeterName)
            .AddOtlpExporter((exp, reader) =>
            {
                exp.Endpoint = Target;
                exp.Protocol = o.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exp.TimeoutMilliseconds = (int)Math.Clamp(o.Timeout.TotalMilliseconds, 1, int.MaxValue);
                if (o.Headers.Count > 0)
                    exp.Headers = string.Join(",", o.Headers.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)(interval ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
            })
            .Build()!;
    }

    public Uri Target { get; }

    /// <summary>gRPC: the base endpoint; http/protobuf: {endpoint}/v1/metrics.</summary>
    public static Uri MetricsUri(TelemetryOptions o)
    {
        var baseUri = o.Endpoint ?? (o.Protocol == OtlpProtocol.Grpc ? TelemetryOptions.DefaultGrpcEndpoint : TelemetryOptions.DefaultHttpEndpoint);
        string b = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return o.Protocol == OtlpProtocol.Grpc ? new Uri(b) : new Uri(b + "/v1/metrics");
    }

    /// <summary>Pushes the current values, waiting at most <paramref name="budget"/>. Never throws.</summary>
    public bool Flush(TimeSpan? budget = null)
    {
        var limit = budget ?? _timeout;
        try
        {
            var t = Task.Run(() => _provider.ForceFlush((int)Math.Clamp(limit.TotalMilliseconds, 1, int.MaxValue)));
            return t.Wait(limit + TimeSpan.FromMilliseconds(100)) && t.Result;
        }
        catch
        {
            return false;
        }
    }

    /// <summary>Shuts the SDK down, waiting at most <paramref name="budget"/> (default: the shutdown budget). Idempotent; never throws.</summary>
    public void Shutdown(TimeSpan? budget = null)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var limit = budget ?? _shutdownTimeout;
        try
        {
            var t = Task.Run(() =>
            {
                _provider.Shutdown((int)Math.Clamp(limit.TotalMilliseconds, 1, int.MaxValue));
                _provider.Dispose();
            });
            t.Wait(limit + TimeSpan.FromMilliseconds(100));
        }
        catch
        {
            // bounded and silent: metrics never hold up the exit
        }
    }

    public void Dispose() => Shutdown();
}

namespace StressVm.Telemetry;

/// <summary>
/// The process's telemetry: builds each run's span tree, writes <c>--trace-out</c> files, queues runs for OTLP
/// export (every failing run, a seeded share of passing ones), and counts metrics. Consumes finished runs
/// only: nothing here can change a schedule. Never throws from <see cref="Record"/>, <see cref="Flush"/> or
/// <see cref="Dispose"/> because of the collector; shut it down before exit (<see cref="Shutdown"/>: bounded by
/// <see cref="TelemetryOptions.ShutdownTimeout"/> in all; <see cref="InstallExitHooks"/> also does at process exit).
/// </summary>
public sealed class TelemetrySession : IDisposable
{
    private readonly TextWriter _warnings;
    private int _hooksInstalled;
    private int _disposed;
    private int _shutdown;

    /// <param name="options">Where and how to export; <see cref="TelemetryOptions.Enabled"/> false exports nothing.</param>
    /// <param name="traceOptions">The logical clock and span shaping.</param>
    /// <param name="warnings">Where the single "export failed" warning goes (stderr in the CLI).</param>
    /// <param name="transport">A transport to use instead of the one the options name (tests).</param>
    public TelemetrySession(TelemetryOptions options, RunTraceOptions? traceOptions = null, TextWriter? warnings = null, IOtlpTransport? transport = null)
    {
        Options = options;
        _warnings = warnings ?? TextWriter.Null;
        Builder = new RunTraceBuilder(traceOptions);
        Metrics = new StressVmMetrics();
        Exporter = options.Enabled ? new TraceExporter(options, _warnings, transport) : null;
        MetricsExporter = options.Enabled && options.ExportMetrics ? new OtlpMetricsExporter(options) : null;
    }

    /// <summary>Null unless metrics export is on (<see cref="TelemetryOptions.ExportMetrics"/>, OTEL_METRICS_EXPORTER=otlp).</summary>
    public OtlpMetricsExporter? MetricsExporter { get; }

    /// <summary>A session that exports nothing (only files and metrics).</summary>
    public static TelemetrySession Offline(RunTraceOptions? traceOptions = null, TextWriter? warnings = null) =>
        new(new TelemetryOptions { Enabled = false }, traceOptions, warnings);

    public TelemetryOptions Options { get; }
    public RunTraceBuilder Builder { get; }
    public StressVmMetrics Metrics { get; }

    /// <summary>Null when export is off.</summary>
    public TraceExporter? Exporter { get; }

    public ExportCounts Counts => Exporter?.Counts ?? default;

    /// <summary>
    /// Takes one finished run: counts it in the metrics, writes <paramref name="traceOut"/> if given (Jaeger JSON,
    /// or OTLP JSON for "*.otlp.json"), and queues it for export when it is sampled. Call it right after the run,
    /// before the system runs again (the trace is reused). Returns the span tree when one was built. A file that
    /// cannot be written throws <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>): that one
    /// the user asked for; export problems never throw.
    /// </summary>
    public RunTrace? Record(string scenario, string strategy, RunResult result, Trace trace, string replayCommand,
        string? traceOut = null, bool forceExport = false, string? traceKey = null)
    {
        Metrics.RecordRun(scenario, result);
        bool export = Exporter is not null && (forceExport || Exporter.ShouldExport(result));
        if (!export && traceOut is null) return null;
        var runTrace = Builder.Build(scenario, result.Seed, strategy, result, trace, replayCommand, traceKey);
        if (traceOut is not null) TraceFiles.Write(traceOut, runTrace);
        if (export) Exporter!.Enqueue(runTrace);
        return runTrace;
    }

    /// <summary>Waits (at most <paramref name="budget"/>) until queued runs are exported or dropped. Never throws.</summary>
    public bool Flush(TimeSpan? budget = null)
    {
        bool traces = Exporter?.Flush(budget) ?? true;
        MetricsExporter?.Flush(budget);
        return traces;
    }

    public Task<bool> FlushAsync(TimeSpan? budget = null, CancellationToken cancel = default) =>
        Exporter?.FlushAsync(budget, cancel) ?? Task.FromResult(true);

    /// <summary>One line for the summary, or null when export is off.</summary>
    public string? Summary() => Exporter?.Summary();

    /// <summary>
    /// The exit: queued and in-flight traces and the last metrics get <see cref="TelemetryOptions.ShutdownTimeout"/>
    /// in all (one budget, shared), then what is left is dropped and counted. Idempotent: Dispose, the exit hooks
    /// and a second call add no wait. Never throws. Call <see cref="Summary"/> after it for the final counts.
    /// </summary>
    public void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0) return;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan Left() => Options.ShutdownTimeout - deadline.Elapsed is var l && l > TimeSpan.Zero ? l : TimeSpan.Zero;
        Exporter?.Shutdown(Options.ShutdownTimeout);
        if (MetricsExporter is not null)
        {
            MetricsExporter.Flush(Left());
            MetricsExporter.Shutdown(Left());
        }
    }

    /// <summary>Shuts down at process exit and on a Ctrl-C that ends the process (bounded by the shutdown budget). Idempotent.</summary>
    public void InstallExitHooks()
    {
        if (Interlocked.Exchange(ref _hooksInstalled, 1) != 0 || Exporter is null) return;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Shutdown();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (Volatile.Read(ref _hooksInstalled) != 0) AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Shutdown();
        Exporter?.Dispose();
        MetricsExporter?.Dispose();
        Metrics.Dispose();
    }
}

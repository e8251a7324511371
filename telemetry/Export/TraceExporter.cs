using System.Diagnostics;
using System.Threading.Channels;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace StressVm.Telemetry;

/// <summary>
/// Ships finished runs to an OTLP collector off the simulation: <see cref="Enqueue"/> never blocks nor throws
/// (a full queue drops the run and counts it); a background loop sends batches through a Polly pipeline
/// (overall timeout, retry with exponential backoff, circuit breaker, per-attempt timeout). A collector that is
/// down, slow or refusing costs at most the timeout budget per batch, and nothing once the circuit is open;
/// its first failure is reported once on the warnings writer. Call <see cref="Shutdown"/> (or dispose) before the
/// process exits: it waits at most <see cref="TelemetryOptions.ShutdownTimeout"/> in all, then drops and counts the rest.
/// </summary>
public sealed class TraceExporter : IDisposable, IAsyncDisposable
{
    private readonly TelemetryOptions _options;
    private readonly IOtlpTransport _transport;
    private readonly TextWriter _warnings;
    private readonly ResiliencePipeline _pipeline;
    private readonly Channel<RunTrace> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _exported, _dropped, _sampledOut, _pending;
    private int _warned;
    private int _disposed;
    private int _closed;
    private long _droppedQueueFull;
    private volatile string? _failure; // the first reason a send failed ("connection refused", ...)

    public TraceExporter(TelemetryOptions options, TextWriter? warnings = null, IOtlpTransport? transport = null)
    {
        _options = options;
        _warnings = warnings ?? TextWriter.Null;
        _transport = transport ?? OtlpHttp.Create(options);
        _pipeline = BuildPipeline(options);
        _queue = Channel.CreateBounded<RunTrace>(new BoundedChannelOptions(Math.Max(1, options.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the run is dropped, never waited for
        });
        _worker = Task.Run(WorkAsync);
    }

    public TelemetryOptions Options => _options;

    /// <summary>Where the traces go.</summary>
    public Uri Target => _transport.Target;

    public ExportCounts Counts => new(
        Interlocked.Read(ref _exported), Interlocked.Read(ref _dropped), Interlocked.Read(ref _sampledOut), Interlocked.Read(ref _pending));

    /// <summary>Whether a run should be exported: every failing run, a seeded share of passing ones. Counts the ones left out.</summary>
    public bool ShouldExport(RunResult result)
    {
        if (!_options.Enabled) return false;
        if (TraceSampler.ShouldExport(result, _options.SampleShare)) return true;
        Interlocked.Increment(ref _sampledOut);
        return false;
    }

    /// <summary>Queues a run for export. Returns false (and counts a drop) when the queue is full or the exporter is closed.</summary>
    public bool Enqueue(RunTrace trace)
    {
        if (!_options.Enabled || trace is null) return false;
        Interlocked.Increment(ref _pending);
        if (Volatile.Read(ref _disposed) == 0 && _queue.Writer.TryWrite(trace)) return true;
        Interlocked.Decrement(ref _pending);
        Interlocked.Increment(ref _dropped);
        // No warning here: while the collector fails, the queue fills because of it, and the send's own warning
        // ("connection refused", "did not answer") says why. The summary names the reason of the drops.
        Interlocked.Increment(ref _droppedQueueFull);
        return false;
    }

    /// <summary>
    /// Waits until every queued run is exported or dropped, at most <paramref name="budget"/> (default: the
    /// timeout plus a little). Returns true when nothing is left pending. Never throws.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan? budget = null, CancellationToken cancel = default)
    {
        var limit = budget ?? _options.Timeout + TimeSpan.FromMilliseconds(250);
        var sw = Stopwatch.StartNew();
        try
        {
            while (Interlocked.Read(ref _pending) > 0 && sw.Elapsed < limit && !cancel.IsCancellationRequested && !_worker.IsCompleted)
                await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            // never into the caller
        }
        return Interlocked.Read(ref _pending) == 0;
    }

    /// <summary>Synchronous <see cref="FlushAsync"/> for the CLI's exit path and its Ctrl-C handler.</summary>
    public bool Flush(TimeSpan? budget = null)
    {
        try { return FlushAsync(budget).GetAwaiter().GetResult(); }
        catch { return false; }
    }

    /// <summary>Why traces were dropped: the collector's first failure, else a full queue (null when none was dropped).</summary>
    public string? DropReason =>
        Interlocked.Read(ref _dropped) == 0 ? null
        : _failure ?? (Interlocked.Read(ref _droppedQueueFull) > 0 ? "the export queue was full: the collector is slower than the runs" : "not sent before the shutdown budget ran out");

    /// <summary>"telemetry: 3 trace(s) exported, 1 dropped: connection refused (grpc to http://localhost:4317/...)" for the run summary.</summary>
    public string Summary() =>
        $"telemetry: {Counts}{(DropReason is { } why ? $": {why}" : "")} ({TelemetryOptions.ProtocolName(_options.Protocol)} to {Target})";

    /// <summary>
    /// Closes the exporter for the exit: takes no more runs, lets queued and in-flight exports go on for at most
    /// <paramref name="budget"/> (default <see cref="TelemetryOptions.ShutdownTimeout"/>), then cancels what is
    /// still in flight and counts everything left as dropped. Idempotent (a second call returns at once); never throws.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan? budget = null)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var limit = budget ?? _options.ShutdownTimeout;
        if (limit < TimeSpan.Zero) limit = TimeSpan.Zero;
        _queue.Writer.TryComplete();
        await FlushAsync(limit).ConfigureAwait(false);
        _stop.Cancel(); // an exchange with a collector that never answers ends here
        try { await _worker.WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false); }
        catch { /* the worker ends on its own; never into the caller */ }
        Volatile.Write(ref _closed, 1);
        long left = Interlocked.Exchange(ref _pending, 0);
        if (left > 0) Interlocked.Add(ref _dropped, left);
        try { _transport.Dispose(); } catch { /* never into the caller */ }
    }

    /// <summary>Synchronous <see cref="ShutdownAsync"/>.</summary>
    public void Shutdown(TimeSpan? budget = null)
    {
        try { ShutdownAsync(budget).GetAwaiter().GetResult(); }
        catch { /* never into the caller */ }
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<RunTrace>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < Math.Max(1, _options.MaxBatch) && reader.TryRead(out var t)) batch.Add(t);
                if (batch.Count == 0) continue;
                await SendBatchAsync(batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            Warn($"the export loop stopped: {e.Message}");
        }
        // Whatever is still queued will never be sent.
        while (reader.TryRead(out _)) Settle(false, 1);
    }

    private async Task SendBatchAsync(List<RunTrace> batch)
    {
        byte[] body;
        try
        {
            body = OtlpProtoMapper.Encode(batch);
        }
        catch (Exception e)
        {
            Warn($"a trace could not be encoded: {e.Message}");
            Settle(false, batch.Count);
            return;
        }
        try
        {
            await _pipeline.ExecuteAsync(static async (state, ct) => await state.t.SendAsync(state.body, ct).ConfigureAwait(false),
                (t: _transport, body), _stop.Token).ConfigureAwait(false);
            Settle(true, batch.Count);
        }
        catch (Exception e)
        {
            Settle(false, batch.Count);
            Warn(Describe(e));
        }
    }

    private void Settle(bool exported, int n)
    {
        if (Volatile.Read(ref _closed) != 0) return; // already counted as dropped by DisposeAsync
        Interlocked.Add(ref exported ? ref _exported : ref _dropped, n);
        Interlocked.Add(ref _pending, -n);
    }

    internal static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException => "the collector did not answer within the timeout",
        BrokenCircuitException => "the collector kept failing (circuit open)",
        OperationCanceledException => "the export was cancelled at exit",
        OtlpExportException o => o.Message,
        HttpRequestException h when Socket(h) is System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
        HttpRequestException h when Socket(h) is System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain
            or System.Net.Sockets.SocketError.NoData => "host not found",
        HttpRequestException h => h.InnerException is { } inner ? $"{h.Message} ({inner.Message})" : h.Message,
        _ => e.Message,
    };

    private static System.Net.Sockets.SocketError? Socket(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
            if (x is System.Net.Sockets.SocketException se) return se.SocketErrorCode;
        return null;
    }

    private void Warn(string why)
    {
        // Keep the first real cause for the summary; an open circuit or the exit's cancel only follow from it.
        if (_failure is null && !why.Contains("circuit open", StringComparison.Ordinal) && !why.Contains("cancelled at exit", StringComparison.Ordinal))
            _failure = why;
        if (Interlocked.Exchange(ref _warned, 1) != 0) return;
        try
        {
            _warnings.WriteLine($"stressvm: warning: trace export to {_transport.Target} failed: {why}. " +
                                "Runs go on; traces that cannot be sent are dropped and counted in the summary.");
            _warnings.Flush();
        }
        catch
        {
            // a broken warnings writer must not break the export either
        }
    }

    internal static ResiliencePipeline BuildPipeline(TelemetryOptions o)
    {
        var transient = new PredicateBuilder()
            .Handle<OtlpExportException>(e => e.Retryable)
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>();
        var builder = new ResiliencePipelineBuilder().AddTimeout(o.Timeout); // the whole budget of one batch
        if (o.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = o.RetryDelay,
                UseJitter = false,
            });
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<OtlpExportException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = o.BreakDuration < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : o.BreakDuration,
            })
            .AddTimeout(o.EffectiveAttemptTimeout) // one attempt
            .Build();
    }

    /// <summary>Shuts down within <see cref="TelemetryOptions.ShutdownTimeout"/> (nothing more once <see cref="ShutdownAsync"/> ran).</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    public void Dispose()
    {
        try { DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        catch { /* never into the caller */ }
    }
}

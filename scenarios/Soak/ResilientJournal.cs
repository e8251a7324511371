using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Appends records to a sink through a Polly pipeline: retries with exponential backoff and jitter, cut
/// off by a circuit breaker while the disk keeps failing. Records that could not be written stay queued
/// (in order) and go out with the next append that succeeds, so a passing disk hiccup loses nothing and a
/// dead disk does not stall the workers. Thread-safe.
/// </summary>
public sealed class ResilientJournal : IDisposable
{
    private readonly IJournalSink _sink;
    private readonly Action<string> _warn;
    private readonly ResiliencePipeline _pipeline;
    private readonly object _gate = new();
    private readonly List<string> _pending = new();
    private bool _failing;

    public ResilientJournal(IJournalSink sink, Action<string> warn, ResiliencePipeline? pipeline = null)
    {
        _sink = sink;
        _warn = warn;
        _pipeline = pipeline ?? DefaultPipeline();
    }

    /// <summary>Records waiting for the disk to come back.</summary>
    public int Pending { get { lock (_gate) return _pending.Count; } }

    public static ResiliencePipeline DefaultPipeline(TimeSpan? baseDelay = null, TimeSpan? breakDuration = null)
    {
        var handled = new PredicateBuilder().Handle<IOException>().Handle<UnauthorizedAccessException>();
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handled,
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(50),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handled,
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration ?? TimeSpan.FromSeconds(5),
            })
            .Build();
    }

    /// <summary>Appends <paramref name="records"/> (one write, one flush); returns false when they stay queued.</summary>
    public bool Append(params SoakRecord[] records)
    {
        lock (_gate)
        {
            foreach (var r in records) _pending.Add(JournalLine.Encode(r) + "\n");
            return TryFlushPending();
        }
    }

    /// <summary>Tries once more to write what is queued; returns how many records are still unwritten.</summary>
    public int Flush()
    {
        lock (_gate)
        {
            TryFlushPending();
            return _pending.Count;
        }
    }

    private bool TryFlushPending()
    {
        if (_pending.Count == 0) return true;
        string text = string.Concat(_pending);
        try
        {
            _pipeline.Execute(static s => s.Sink.Append(s.Text), (Sink: _sink, Text: text));
            _pending.Clear();
            if (_failing) _warn("state writes work again; queued records written");
            _failing = false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BrokenCircuitException)
        {
            if (!_failing) _warn($"state write failed ({e.Message}); {_pending.Count} record(s) queued, retrying with the next write");
            _failing = true;
            return false;
        }
    }

    public void Dispose()
    {
        int left = Flush();
        if (left > 0) _warn($"{left} state record(s) could not be written");
        _sink.Dispose();
    }
}

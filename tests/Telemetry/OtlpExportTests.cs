using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StressVm.Runtime;
using StressVm.Telemetry;
using StressVm.Tests.Telemetry.Otlp;
using Xunit;

namespace StressVm.Tests.Telemetry;

public class OtlpExportTests
{
    private static long T(long step) => (RunTraceOptions.DefaultBaseTime.ToUnixTimeMilliseconds() * 1000 + step * 1000) * 1000;

    private static string Hex(Google.Protobuf.ByteString b) => Convert.ToHexString(b.ToByteArray()).ToLowerInvariant();

    private static TelemetryOptions Options(OtlpProtocol protocol, Uri endpoint) => new()
    {
        Protocol = protocol,
        Endpoint = endpoint,
        Timeout = TimeSpan.FromSeconds(5),
        RetryDelay = TimeSpan.FromMilliseconds(20),
    };

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_replayed_failing_run_reaches_the_collector(OtlpProtocol protocol)
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(protocol);
        const ulong seed = 77;
        var (sys, result) = ToyRuns.ReplayedRun(seed);
        Assert.Equal(Outcome.Violation, result.Outcome);
        var warnings = new StringWriter();
        using (var session = new TelemetrySession(Options(protocol, rx.Endpoint), warnings: warnings))
        {
            var built = session.Record(ToyRuns.Scenario, "random", result, sys.Trace, ToyRuns.ReplayCommand(seed));
            Assert.NotNull(built);
            Assert.True(session.Flush(TimeSpan.FromSeconds(10)));
            Assert.Equal(new ExportCounts(1, 0, 0, 0), session.Counts);
        }
        Assert.Equal("", warnings.ToString());
        Assert.True(await rx.WaitForRequestsAsync(1, TimeSpan.FromSeconds(5)));
        Assert.All(rx.ContentTypes, ct => Assert.StartsWith(protocol == OtlpProtocol.Grpc ? "application/grpc" : "application/x-protobuf", ct));
        Assert.All(rx.Protocols, p => Assert.Equal(protocol == OtlpProtocol.Grpc ? "HTTP/2" : "HTTP/1.1", p));

        var spans = rx.Spans();
        // One service per actor, plus the run's root service.
        Assert.Equal(new[] { "stressvm", "mm", "cpu0", "cpu1" },
            rx.Requests.Single().ResourceSpans.Select(OtlpLoopbackReceiver.ServiceOf).ToArray());

        // The trace id is derived from (scenario, seed).
        string traceId = TraceIds.ForRun(ToyRuns.Scenario, seed).ToHex();
        Assert.All(spans, s => Assert.Equal(traceId, Hex(s.Span.TraceId)));

        // Parent-child structure.
        var root = Assert.Single(spans, s => s.Span.ParentSpanId.IsEmpty);
        Assert.Equal("stressvm", root.Service);
        Assert.Equal("run " + ToyRuns.Scenario, root.Span.Name);
        Assert.Contains(root.Span.Attributes, a => a.Key == "stressvm.seed" && a.Value.StringValue == "77");
        Assert.Contains(root.Span.Attributes, a => a.Key == "stressvm.replay" && a.Value.StringValue == ToyRuns.ReplayCommand(seed));
        var byId = spans.ToDictionary(s => Hex(s.Span.SpanId));
        foreach (var (service, span) in spans.Where(s => !s.Span.ParentSpanId.IsEmpty))
        {
            var parent = byId[Hex(span.ParentSpanId)];
            if (span.Name == "page_mkwrite")
            {
                Assert.Equal("fault", parent.Span.Name);
                Assert.Equal(service, parent.Service);
            }
            else Assert.Same(root.Span, parent.Span);
        }
        Assert.Equal(2, spans.Count(s => s.Service == "mm" && s.Span.Name == "handle_fault"));
        Assert.Equal(2, spans.Count(s => s.Service.StartsWith("cpu") && s.Span.Name == "fault"));

        // Logical timestamps: base + step * 1000 us, and the mm spans start where mm took its Fault messages.
        Assert.Equal((ulong)T(0), root.Span.StartTimeUnixNano);
        Assert.Equal((ulong)T(result.Steps), root.Span.EndTimeUnixNano);
        var mmSteps = sys.Trace.Steps.ToArray().Where(s => s.Actor == 0 && s.Message is ToyRuns.Fault).Select(s => (ulong)T(s.Index)).ToList();
        Assert.Equal(mmSteps, spans.Where(s => s.Service == "mm").Select(s => s.Span.StartTimeUnixNano).ToList());
        foreach (var (_, span) in spans)
        {
            long begin = span.Attributes.FirstOrDefault(a => a.Key == "stressvm.step.begin")?.Value.IntValue ?? 0;
            Assert.Equal((ulong)T(begin), span.StartTimeUnixNano);
            Assert.Equal(0UL, (span.EndTimeUnixNano - span.StartTimeUnixNano) % 1_000_000UL);
        }

        // Error status on the violating span (and only there, besides the failing run's root).
        var failed = Assert.Single(spans, s => !s.Span.ParentSpanId.IsEmpty && s.Span.Status?.Code == 2);
        Assert.Equal("mm", failed.Service);
        Assert.Equal("handle_fault", failed.Span.Name);
        Assert.Contains(failed.Span.Attributes, a => a.Key == "stressvm.invariant" && a.Value.StringValue == "lost-write");
        Assert.Equal((ulong)T(result.Violation!.Step), failed.Span.StartTimeUnixNano);
        Assert.Equal(2, root.Span.Status.Code);
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_down_collector_drops_the_trace_counts_it_and_warns_once(OtlpProtocol protocol)
    {
        int port = FreePort(); // bound, then released: nobody listens there
        var options = Options(protocol, new Uri($"http://127.0.0.1:{port}")) with { Timeout = TimeSpan.FromMilliseconds(800), MaxRetries = 1 };
        var warnings = new StringWriter();
        var sw = Stopwatch.StartNew();
        using (var session = new TelemetrySession(options, warnings: warnings))
        {
            for (ulong seed = 1; seed <= 3; seed++)
            {
                var (sys, r) = ToyRuns.ReplayedRun(seed);
                Assert.Equal(Outcome.Violation, r.Outcome); // the run itself completes normally
                session.Record(ToyRuns.Scenario, "random", r, sys.Trace, ToyRuns.ReplayCommand(seed));
            }
            session.Flush(TimeSpan.FromSeconds(5));
            var c = session.Counts;
            Assert.Equal(0, c.Exported);
            Assert.Equal(3, c.Dropped);
            Assert.Equal(0, c.Pending);
            Assert.Contains("3 dropped", session.Summary());
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        string w = warnings.ToString();
        Assert.Contains("warning: trace export", w);
        Assert.Single(w.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_slow_collector_costs_at_most_the_timeout(OtlpProtocol protocol)
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(protocol, ReceiverMode.Slow);
        // The collector hangs for 20 s; the budget is 3 s. Recording must return long before the budget (it does
        // not wait for the collector), and the whole session long before the collector would answer.
        var options = Options(protocol, rx.Endpoint) with { Timeout = TimeSpan.FromSeconds(3), MaxRetries = 1 };
        var warnings = new StringWriter();
        var (sys, r) = ToyRuns.ReplayedRun(5);
        var sw = Stopwatch.StartNew();
        using (var session = new TelemetrySession(options, warnings: warnings))
        {
            session.Record(ToyRuns.Scenario, "random", r, sys.Trace, "x");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"recording must not wait for the collector (took {sw.Elapsed})");
            // The export gives up at its 3 s timeout; the flush may wait longer (a loaded machine is slow to cancel),
            // and returns as soon as the run is counted dropped.
            session.Flush(TimeSpan.FromSeconds(8));
            Assert.Equal(1, session.Counts.Dropped);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(12), $"took {sw.Elapsed}");
        Assert.Contains("warning", warnings.ToString());
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_refusing_collector_is_retried_then_the_circuit_opens(OtlpProtocol protocol)
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(protocol, ReceiverMode.Refuse503);
        var options = Options(protocol, rx.Endpoint) with { MaxRetries = 2, MaxBatch = 1, BreakDuration = TimeSpan.FromSeconds(30) };
        var (sys, r) = ToyRuns.ReplayedRun(8);
        var trace = new RunTraceBuilder().Build(ToyRuns.Scenario, 8, "random", r, sys.Trace, "x");
        var warnings = new StringWriter();
        using (var exporter = new TraceExporter(options, warnings))
        {
            Assert.True(exporter.Enqueue(trace));
            Assert.True(await exporter.FlushAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(3, rx.Calls); // one attempt and two retries
            for (int i = 0; i < 5; i++) exporter.Enqueue(trace);
            Assert.True(await exporter.FlushAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(new ExportCounts(0, 6, 0, 0), exporter.Counts);
            Assert.True(rx.Calls < 3 + 5 * 3, $"the circuit breaker should cut calls short, saw {rx.Calls}");
        }
        Assert.Single(warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_full_queue_drops_instead_of_waiting()
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(OtlpProtocol.HttpProtobuf, ReceiverMode.Slow);
        var options = Options(OtlpProtocol.HttpProtobuf, rx.Endpoint) with { QueueCapacity = 2, MaxBatch = 1, Timeout = TimeSpan.FromMilliseconds(300), MaxRetries = 0 };
        var trace = ToyRuns.Build(4);
        var sw = Stopwatch.StartNew();
        using var exporter = new TraceExporter(options);
        int accepted = 0;
        for (int i = 0; i < 20; i++) if (exporter.Enqueue(trace)) accepted++;
        // Waiting for the collector would cost 300 ms per enqueue (over 5 s for 20).
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"enqueueing took {sw.Elapsed}");
        Assert.InRange(accepted, 2, 3);
        await exporter.FlushAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(20, exporter.Counts.Dropped);
    }

    [Fact]
    public async Task Passing_runs_are_sampled_by_share()
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(OtlpProtocol.HttpProtobuf);
        using var session = new TelemetrySession(Options(OtlpProtocol.HttpProtobuf, rx.Endpoint) with { SampleShare = 0 });
        var (sys, ok) = ToyRuns.ReplayedRun(3, buggy: false);
        Assert.Null(session.Record(ToyRuns.Scenario, "random", ok, sys.Trace, "x"));
        var (sys2, bad) = ToyRuns.ReplayedRun(3, buggy: true);
        Assert.NotNull(session.Record(ToyRuns.Scenario, "random", bad, sys2.Trace, "x"));
        session.Flush(TimeSpan.FromSeconds(5));
        Assert.Equal(new ExportCounts(1, 0, 1, 0), session.Counts);
    }

    [Fact]
    public async Task Metrics_go_over_otlp_when_asked_and_never_hold_up_the_exit()
    {
        await using var rx = await OtlpLoopbackReceiver.StartAsync(OtlpProtocol.HttpProtobuf);
        var options = Options(OtlpProtocol.HttpProtobuf, rx.Endpoint) with { ExportMetrics = true, Timeout = TimeSpan.FromSeconds(3) };
        using (var session = new TelemetrySession(options))
        {
            Assert.NotNull(session.MetricsExporter);
            var (sys, r) = ToyRuns.ReplayedRun(12);
            session.Record(ToyRuns.Scenario, "random", r, sys.Trace, "x");
            session.Flush();
        }
        Assert.True(rx.MetricsCalls >= 1);

        var down = Options(OtlpProtocol.Grpc, new Uri($"http://127.0.0.1:{FreePort()}")) with { ExportMetrics = true, Timeout = TimeSpan.FromMilliseconds(500) };
        var sw = Stopwatch.StartNew();
        using (var session = new TelemetrySession(down))
        {
            var (sys, r) = ToyRuns.ReplayedRun(12);
            session.Record(ToyRuns.Scenario, "random", r, sys.Trace, "x");
            session.Flush();
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6), $"took {sw.Elapsed}");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

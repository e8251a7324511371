using System.Text.RegularExpressions;
using StressVm.Telemetry;
using StressVm.Tests.Cli;
using Xunit;

namespace StressVm.Tests.Telemetry;

/// <summary>
/// Telemetry never holds the program: a collector that accepts and never answers costs at most the shutdown
/// budget at exit (the drops are counted and printed), and a closed port is reported as "connection refused".
/// Bounds below are generous (many times the budget) and only tell "exits" from "hangs for the export timeout".
/// </summary>
public class ShutdownBudgetTests
{
    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public void A_silent_collector_is_cut_off_at_the_shutdown_budget_and_the_drops_counted(OtlpProtocol protocol)
    {
        using var hole = new BlackHoleCollector();
        // An export timeout of 10 minutes: without the shutdown budget the session would wait that long.
        var options = new TelemetryOptions
        {
            Protocol = protocol, Endpoint = hole.Endpoint, Timeout = TimeSpan.FromMinutes(10),
            ShutdownTimeout = TimeSpan.FromMilliseconds(500),
        };
        var session = new TelemetrySession(options, warnings: new StringWriter());
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var (sys, r) = ToyRuns.ReplayedRun(seed);
            session.Record(ToyRuns.Scenario, "random", r, sys.Trace, ToyRuns.ReplayCommand(seed));
        }
        // Shut down only once an export is in flight to the silent collector (a loaded machine may take a while to connect).
        var connecting = System.Diagnostics.Stopwatch.StartNew();
        while (hole.Accepted == 0 && connecting.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(20);
        Assert.True(hole.Accepted >= 1, "the exporter never connected: the test did not test a silent collector");
        var exit = Task.Run(() => { session.Shutdown(); session.Dispose(); });
        Assert.True(exit.Wait(TimeSpan.FromMinutes(1)), "the session did not shut down: a silent collector held the exit");
        var c = session.Counts;
        Assert.Equal(0, c.Exported);
        Assert.Equal(3, c.Dropped);
        Assert.Equal(0, c.Pending);
        Assert.Contains("3 dropped", session.Summary());
    }

    [Fact]
    public void Run_against_a_silent_collector_exits_and_prints_the_drop_count()
    {
        using var hole = new BlackHoleCollector();
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "600000" }; // 10 min per batch
        using var p = CliProcess.Start(env, "run", "wrprotect-vs-write", "--seeds", "20", "--otlp-endpoint", hole.Endpoint.ToString(),
            "-D", "stressvm.telemetry.shutdown-timeout=1s");
        var (code, stdout, stderr) = p.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}"); // the verdict's code: telemetry changes nothing
        Assert.Matches(new Regex(@"telemetry: 0 trace\(s\) exported, [1-9]\d* dropped"), stderr);
    }

    [Fact]
    public void A_closed_port_is_reported_as_connection_refused_not_as_a_full_queue()
    {
        int port = BlackHoleCollector.ClosedPort();
        // 3,000 failing runs, each exported: far more than the queue holds while the first send is being refused.
        var (code, stdout, stderr) = CliProcess.Run("run", "wrprotect-vs-write", "--seeds", "3000", "--otlp-endpoint", $"http://127.0.0.1:{port}");
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("connection refused", stderr);
        Assert.DoesNotContain("queue is full", stderr);
        Assert.Matches(new Regex(@"dropped: connection refused"), stderr);
    }

    [Theory]
    // command line, config enabled, environment -> exported?
    [InlineData(true, false, null, null, true)]
    [InlineData(true, false, null, "true", true)]        // the command line wins over OTEL_SDK_DISABLED
    [InlineData(false, true, null, null, true)]          // stressvm.telemetry.enabled = true
    [InlineData(false, false, "http://c:4317", null, true)] // OTEL_EXPORTER_OTLP_ENDPOINT names a collector
    [InlineData(false, true, "http://c:4317", "true", false)] // OTEL_SDK_DISABLED wins over config and variables
    [InlineData(false, false, null, null, false)]        // nothing named: files only
    public void Whether_export_is_on_is_one_rule(bool cli, bool config, string? endpoint, string? disabled, bool on)
    {
        string? Env(string n) => n switch { "OTEL_EXPORTER_OTLP_ENDPOINT" => endpoint, "OTEL_SDK_DISABLED" => disabled, _ => null };
        Assert.Equal(on, TelemetryOptions.ExportEnabled(cli, config, Env));
    }
}

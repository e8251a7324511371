using System.CommandLine;
using System.Diagnostics.Metrics;
using StressVm.Cli;
using StressVm.Runtime;
using StressVm.Telemetry;
using Xunit;

namespace StressVm.Tests.Telemetry;

public class TelemetryOptionsTests
{
    private static Func<string, string?> Env(params (string, string)[] vars)
    {
        var d = vars.ToDictionary(v => v.Item1, v => v.Item2);
        return k => d.TryGetValue(k, out var v) ? v : null;
    }

    [Fact]
    public void Defaults_aim_at_a_local_jaeger()
    {
        var o = TelemetryOptions.FromEnvironment(getenv: Env());
        Assert.Equal(OtlpProtocol.Grpc, o.Protocol);
        Assert.Equal("http://localhost:4317/opentelemetry.proto.collector.trace.v1.TraceService/Export", o.ResolveTracesUri().ToString());
        Assert.Equal("http://localhost:4318/v1/traces", (o with { Protocol = OtlpProtocol.HttpProtobuf }).ResolveTracesUri().ToString());
        Assert.Equal(0, o.SampleShare);
    }

    [Fact]
    public void Standard_variables_apply_and_the_traces_ones_win()
    {
        var o = TelemetryOptions.FromEnvironment(getenv: Env(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=a%20b,x=1"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500")));
        Assert.Equal(OtlpProtocol.HttpProtobuf, o.Protocol);
        Assert.Equal("http://collector:4318/v1/traces", o.ResolveTracesUri().ToString());
        Assert.Equal("a b", o.Headers["api-key"]);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), o.Timeout);

        var t = TelemetryOptions.FromEnvironment(getenv: Env(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:9999/custom/path"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")));
        Assert.Equal("http://other:9999/custom/path", t.ResolveTracesUri().ToString());
    }

    [Fact]
    public void Malformed_variables_name_themselves()
    {
        var e = Assert.Throws<FormatException>(() => TelemetryOptions.FromEnvironment(getenv: Env(("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"))));
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL", e.Message);
        e = Assert.Throws<FormatException>(() => TelemetryOptions.FromEnvironment(getenv: Env(("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"))));
        Assert.Contains("OTEL_EXPORTER_OTLP_TIMEOUT", e.Message);
    }

    [Fact]
    public void Sampling_is_deterministic_by_seed()
    {
        Assert.True(TraceSampler.ShouldExport(5, failing: true, share: 0));
        Assert.False(TraceSampler.ShouldExport(5, failing: false, share: 0));
        Assert.True(TraceSampler.ShouldExport(5, failing: false, share: 1));
        var picked = Enumerable.Range(0, 2000).Where(s => TraceSampler.ShouldExport((ulong)s, false, 0.25)).ToList();
        Assert.InRange(picked.Count, 400, 600);
        Assert.Equal(picked, Enumerable.Range(0, 2000).Where(s => TraceSampler.ShouldExport((ulong)s, false, 0.25)).ToList());
    }

    [Fact]
    public void Metrics_count_schedules_steps_and_violations_by_invariant()
    {
        var seen = new List<(string Name, long Value, string? Invariant)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (inst, l) => { if (inst.Meter.Name == StressVmMetrics.MeterName) l.EnableMeasurementEvents(inst); };
        listener.SetMeasurementEventCallback<long>((inst, value, tags, _) =>
        {
            string? inv = null;
            foreach (var t in tags) if (t.Key == "invariant") inv = (string?)t.Value;
            lock (seen) seen.Add((inst.Name, value, inv));
        });
        listener.Start();
        using var metrics = new StressVmMetrics();
        metrics.RecordRun("toy", new RunResult(Outcome.Violation, 1, "random", 12, 0, new Violation("lost-write", "d", 11, "mm")));
        metrics.RecordRun("toy", new RunResult(Outcome.Completed, 2, "random", 30, 0));
        lock (seen)
        {
            Assert.Equal(2, seen.Where(s => s.Name == "stressvm.schedules").Sum(s => s.Value));
            Assert.Equal(42, seen.Where(s => s.Name == "stressvm.steps").Sum(s => s.Value));
            Assert.Equal(("stressvm.violations", 1L, "lost-write"), Assert.Single(seen, s => s.Name == "stressvm.violations"));
        }
        Assert.Equal(2, metrics.Schedules);
        Assert.True(metrics.SchedulesPerSecond > 0);
    }

    [Fact]
    public void Cli_helper_writes_trace_out_and_turns_export_on_for_an_endpoint()
    {
        var tel = new TelemetryCliOptions();
        var cmd = new Command("replay");
        tel.AddTo(cmd);
        string file = Path.Combine(Path.GetTempPath(), $"stressvm-{Guid.NewGuid():n}.otlp.json");
        try
        {
            var parse = cmd.Parse(["--trace-out", file, "--otlp-endpoint", "http://127.0.0.1:4318", "--otlp-protocol", "http/protobuf"]);
            Assert.Empty(parse.Errors);
            var o = tel.Resolve(parse, null, defaultSampleShare: 1.0, getenv: Env());
            Assert.True(o.Enabled);
            Assert.Equal(OtlpProtocol.HttpProtobuf, o.Protocol);
            Assert.Equal(1.0, o.SampleShare);
            Assert.False(tel.Resolve(cmd.Parse([]), null, 0, Env()).Enabled); // no endpoint named: files only

            using var session = TelemetrySession.Offline();
            var (sys, r) = ToyRuns.ReplayedRun(6);
            var err = new StringWriter();
            var recipe = StressVm.Scenarios.Recipes.ForModel(ToyRuns.Scenario, StressVm.Runtime.StrategySpec.Random.Instance, 6);
            Assert.Equal(0, TelemetryCliOptions.ExportRun(session, ToyRuns.Scenario, recipe, r, sys.Trace, tel.TraceOutPath(parse), err, "x"));
            Assert.Contains(TelemetryCliOptions.TraceIdOf(recipe), err.ToString());
            Assert.Contains("\"resourceSpans\"", File.ReadAllText(file));
            Assert.Equal(2, TelemetryCliOptions.ExportRun(session, ToyRuns.Scenario, recipe, r, sys.Trace, "/proc/nope/x.json", err, "x"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

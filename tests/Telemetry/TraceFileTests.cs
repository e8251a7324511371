using System.Text.Json;
using StressVm.Telemetry;
using Xunit;

namespace StressVm.Tests.Telemetry;

public class TraceFileTests
{
    [Fact]
    public void Jaeger_json_parses_with_one_process_per_actor()
    {
        var t = ToyRuns.Build(21);
        using var doc = JsonDocument.Parse(JaegerJsonWriter.ToBytes(t));
        var trace = doc.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal(t.TraceId.ToHex(), trace.GetProperty("traceID").GetString());
        var processes = trace.GetProperty("processes").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("serviceName").GetString()!);
        Assert.Equal(new[] { "stressvm", "mm", "cpu0", "cpu1" }, processes.Values.ToArray());
        Assert.Equal(processes.Count, processes.Values.Distinct().Count());

        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(t.Spans.Count, spans.Count);
        var ids = spans.Select(s => s.GetProperty("spanID").GetString()!).ToHashSet();
        foreach (var s in spans)
        {
            string pid = s.GetProperty("processID").GetString()!;
            Assert.True(processes.ContainsKey(pid));
            Assert.Matches("^[0-9a-f]{16}$", s.GetProperty("spanID").GetString()!);
            var refs = s.GetProperty("references").EnumerateArray().ToList();
            if (processes[pid] == "stressvm") Assert.Empty(refs);
            else
            {
                var r = Assert.Single(refs);
                Assert.Equal("CHILD_OF", r.GetProperty("refType").GetString());
                Assert.Contains(r.GetProperty("spanID").GetString()!, ids);
            }
            long start = s.GetProperty("startTime").GetInt64();
            Assert.Equal(0, (start - RunTraceOptions.DefaultBaseTime.ToUnixTimeMilliseconds() * 1000) % 1000);
            Assert.True(s.GetProperty("duration").GetInt64() >= 1000);
            foreach (var tag in s.GetProperty("tags").EnumerateArray())
                Assert.Contains(tag.GetProperty("type").GetString(), new[] { "string", "int64", "bool", "float64" });
        }
        var error = spans.Where(s => processes[s.GetProperty("processID").GetString()!] == "mm"
                                     && s.GetProperty("tags").EnumerateArray().Any(tag => tag.GetProperty("key").GetString() == "error")).ToList();
        Assert.Single(error);
        Assert.Contains(spans, s => s.GetProperty("logs").EnumerateArray().Any(l =>
            l.GetProperty("fields").EnumerateArray().Any(f => f.GetProperty("key").GetString() == "event" && f.GetProperty("value").GetString() == "tlb_fill")));
    }

    [Fact]
    public void Otlp_json_uses_hex_ids_and_string_nanos()
    {
        var t = ToyRuns.Build(21);
        using var doc = JsonDocument.Parse(OtlpJsonWriter.ToBytes(t));
        var rs = doc.RootElement.GetProperty("resourceSpans").EnumerateArray().ToList();
        Assert.Equal(new[] { "stressvm", "mm", "cpu0", "cpu1" },
            rs.Select(r => r.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Single(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString()).ToArray());
        var spans = rs.SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray().SelectMany(s => s.GetProperty("spans").EnumerateArray())).ToList();
        Assert.Equal(t.Spans.Count, spans.Count);
        foreach (var s in spans)
        {
            Assert.Equal(t.TraceId.ToHex(), s.GetProperty("traceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", s.GetProperty("spanId").GetString()!);
            Assert.True(long.Parse(s.GetProperty("startTimeUnixNano").GetString()!) <= long.Parse(s.GetProperty("endTimeUnixNano").GetString()!));
        }
        Assert.Single(spans, s => s.GetProperty("status").TryGetProperty("code", out var c) && c.GetInt32() == 2 && s.TryGetProperty("parentSpanId", out _));
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_in_every_format()
    {
        // Two independent systems and replays of the same seed.
        var a = ToyRuns.Build(1234);
        var b = ToyRuns.Build(1234);
        Assert.Equal(JaegerJsonWriter.ToBytes(a), JaegerJsonWriter.ToBytes(b));
        Assert.Equal(OtlpJsonWriter.ToBytes(a), OtlpJsonWriter.ToBytes(b));
        Assert.Equal(OtlpProtoMapper.Encode(a), OtlpProtoMapper.Encode(b));
        Assert.NotEqual(JaegerJsonWriter.ToBytes(a), JaegerJsonWriter.ToBytes(ToyRuns.Build(1235)));
    }

    [Fact]
    public void Trace_out_picks_the_format_from_the_file_name()
    {
        var t = ToyRuns.Build(2);
        string dir = Path.Combine(Path.GetTempPath(), "stressvm-telemetry-" + Guid.NewGuid().ToString("n"));
        try
        {
            string jaeger = Path.Combine(dir, "run.json"), otlp = Path.Combine(dir, "sub", "run.otlp.json");
            Assert.Equal(TraceFileFormat.JaegerJson, TraceFiles.Write(jaeger, t));
            Assert.Equal(TraceFileFormat.OtlpJson, TraceFiles.Write(otlp, t));
            Assert.Equal(JaegerJsonWriter.ToBytes(t), File.ReadAllBytes(jaeger));
            Assert.Equal(OtlpJsonWriter.ToBytes(t), File.ReadAllBytes(otlp));
            using var doc = JsonDocument.Parse(File.ReadAllBytes(otlp));
            Assert.True(doc.RootElement.TryGetProperty("resourceSpans", out _));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}

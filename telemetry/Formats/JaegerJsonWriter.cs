using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StressVm.Telemetry;

/// <summary>
/// A run in the JSON form Jaeger's UI opens from its "JSON File" tab (the query API's <c>{"data":[trace]}</c>):
/// one process per service (the run's root and one per actor), so Jaeger draws one lane and colour per actor.
/// Times in microseconds on the logical clock. The same run gives the same bytes.
/// </summary>
public static class JaegerJsonWriter
{
    public static byte[] ToBytes(RunTrace trace) => ToBytes([trace]);

    /// <summary>Several runs in one file: Jaeger's UI lists each as its own trace.</summary>
    public static byte[] ToBytes(IReadOnlyList<RunTrace> traces)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var t in traces) WriteTrace(w, t);
            w.WriteEndArray();
            w.WriteNumber("total", 0);
            w.WriteNumber("limit", 0);
            w.WriteNumber("offset", 0);
            w.WriteNull("errors");
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static string ToJson(RunTrace trace) => Encoding.UTF8.GetString(ToBytes(trace));

    /// <summary>The process id ("p1", "p2", ...) of each service, in the trace's service order.</summary>
    public static IReadOnlyDictionary<string, string> ProcessIds(RunTrace trace)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < trace.Services.Count; i++) d[trace.Services[i]] = "p" + (i + 1).ToString(CultureInfo.InvariantCulture);
        return d;
    }

    private static void WriteTrace(Utf8JsonWriter w, RunTrace trace)
    {
        string traceId = trace.TraceId.ToHex();
        var pids = ProcessIds(trace);
        w.WriteStartObject();
        w.WriteString("traceID", traceId);
        w.WriteStartArray("spans");
        foreach (var s in trace.Spans) WriteSpan(w, s, traceId, pids[s.Service]);
        w.WriteEndArray();
        w.WriteStartObject("processes");
        foreach (string service in trace.Services)
        {
            w.WriteStartObject(pids[service]);
            w.WriteString("serviceName", service);
            w.WriteStartArray("tags");
            WriteTag(w, "service.namespace", "stressvm");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteNull("warnings");
        w.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter w, TraceSpan s, string traceId, string processId)
    {
        w.WriteStartObject();
        w.WriteString("traceID", traceId);
        w.WriteString("spanID", s.SpanIdHex);
        w.WriteNumber("flags", 1);
        w.WriteString("operationName", s.Name);
        w.WriteStartArray("references");
        if (!s.IsRoot)
        {
            w.WriteStartObject();
            w.WriteString("refType", "CHILD_OF");
            w.WriteString("traceID", traceId);
            w.WriteString("spanID", s.ParentSpanIdHex);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("startTime", s.StartTimeUnixNano / 1000);
        w.WriteNumber("duration", (s.EndTimeUnixNano - s.StartTimeUnixNano) / 1000);
        w.WriteStartArray("tags");
        foreach (var a in s.Attributes) WriteTag(w, a.Key, a.Value);
        WriteTag(w, "span.kind", "internal");
        if (s.Status == SpanStatus.Error)
        {
            WriteTag(w, "error", true);
            WriteTag(w, "otel.status_code", "ERROR");
            if (s.StatusMessage.Length > 0) WriteTag(w, "otel.status_description", s.StatusMessage);
        }
        else if (s.Status == SpanStatus.Ok) WriteTag(w, "otel.status_code", "OK");
        w.WriteEndArray();
        w.WriteStartArray("logs");
        foreach (var e in s.Events)
        {
            w.WriteStartObject();
            w.WriteNumber("timestamp", e.TimeUnixNano / 1000);
            w.WriteStartArray("fields");
            WriteTag(w, "event", e.Name);
            foreach (var a in e.Attributes) WriteTag(w, a.Key, a.Value);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("processID", processId);
        w.WriteNull("warnings");
        w.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter w, string key, object value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        switch (value)
        {
            case string s: w.WriteString("type", "string"); w.WriteString("value", s); break;
            case long l: w.WriteString("type", "int64"); w.WriteNumber("value", l); break;
            case int i: w.WriteString("type", "int64"); w.WriteNumber("value", i); break;
            case bool b: w.WriteString("type", "bool"); w.WriteBoolean("value", b); break;
            case double d: w.WriteString("type", "float64"); w.WriteNumber("value", d); break;
            default: w.WriteString("type", "string"); w.WriteString("value", Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
        w.WriteEndObject();
    }
}

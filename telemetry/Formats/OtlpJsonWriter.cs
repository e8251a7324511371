using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StressVm.Telemetry;

/// <summary>
/// A run as OTLP JSON: the protobuf JSON mapping of <c>ExportTraceServiceRequest</c> with OTLP's exceptions
/// (trace and span ids as hex, enums as integers, 64-bit integers as strings). The same run gives the same bytes.
/// </summary>
public static class OtlpJsonWriter
{
    public static byte[] ToBytes(RunTrace trace)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            Write(w, trace);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static string ToJson(RunTrace trace) => Encoding.UTF8.GetString(ToBytes(trace));

    public static void Write(Utf8JsonWriter w, RunTrace trace)
    {
        string traceId = trace.TraceId.ToHex();
        w.WriteStartObject();
        w.WriteStartArray("resourceSpans");
        foreach (string service in trace.Services)
        {
            var spans = trace.Spans.Where(s => s.Service == service).ToList();
            if (spans.Count == 0) continue;
            w.WriteStartObject();
            w.WriteStartObject("resource");
            w.WriteStartArray("attributes");
            WriteAttribute(w, new TraceAttribute("service.name", service));
            WriteAttribute(w, new TraceAttribute("service.namespace", "stressvm"));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("scopeSpans");
            w.WriteStartObject();
            w.WriteStartObject("scope");
            w.WriteString("name", OtlpProtoMapper.ScopeName);
            w.WriteString("version", OtlpProtoMapper.ScopeVersion);
            w.WriteEndObject();
            w.WriteStartArray("spans");
            foreach (var s in spans) WriteSpan(w, s, traceId);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter w, TraceSpan s, string traceId)
    {
        w.WriteStartObject();
        w.WriteString("traceId", traceId);
        w.WriteString("spanId", s.SpanIdHex);
        if (!s.IsRoot) w.WriteString("parentSpanId", s.ParentSpanIdHex);
        w.WriteNumber("flags", 0x101);
        w.WriteString("name", s.Name);
        w.WriteNumber("kind", 1);
        w.WriteString("startTimeUnixNano", s.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture));
        w.WriteString("endTimeUnixNano", s.EndTimeUnixNano.ToString(CultureInfo.InvariantCulture));
        w.WriteStartArray("attributes");
        foreach (var a in s.Attributes) WriteAttribute(w, a);
        w.WriteEndArray();
        w.WriteStartArray("events");
        foreach (var e in s.Events)
        {
            w.WriteStartObject();
            w.WriteString("timeUnixNano", e.TimeUnixNano.ToString(CultureInfo.InvariantCulture));
            w.WriteString("name", e.Name);
            w.WriteStartArray("attributes");
            foreach (var a in e.Attributes) WriteAttribute(w, a);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("status");
        if (s.Status == SpanStatus.Error && s.StatusMessage.Length > 0) w.WriteString("message", s.StatusMessage);
        if (s.Status != SpanStatus.Unset) w.WriteNumber("code", (int)s.Status);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteAttribute(Utf8JsonWriter w, TraceAttribute a)
    {
        w.WriteStartObject();
        w.WriteString("key", a.Key);
        w.WriteStartObject("value");
        switch (a.Value)
        {
            case string s: w.WriteString("stringValue", s); break;
            case long l: w.WriteString("intValue", l.ToString(CultureInfo.InvariantCulture)); break;
            case int i: w.WriteString("intValue", i.ToString(CultureInfo.InvariantCulture)); break;
            case bool b: w.WriteBoolean("boolValue", b); break;
            case double d: w.WriteNumber("doubleValue", d); break;
            default: w.WriteString("stringValue", Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? ""); break;
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

using Google.Protobuf;
using StressVm.Telemetry.Otlp.Proto;

namespace StressVm.Telemetry;

/// <summary>
/// A run's span tree as an OTLP <c>ExportTraceServiceRequest</c>: one ResourceSpans per service (the root service
/// first, then one per actor), each with resource attribute service.name, in a fixed order so the bytes are
/// the same for the same run.
/// </summary>
public static class OtlpProtoMapper
{
    public const string ScopeName = "StressVm";
    public const string ScopeVersion = "1.0";

    /// <summary>Several runs in one request (a batch of the background exporter).</summary>
    internal static ExportTraceServiceRequest ToRequest(IEnumerable<RunTrace> traces)
    {
        var req = new ExportTraceServiceRequest();
        foreach (var t in traces) AddTo(req, t);
        return req;
    }

    internal static ExportTraceServiceRequest ToRequest(RunTrace trace)
    {
        var req = new ExportTraceServiceRequest();
        AddTo(req, trace);
        return req;
    }

    /// <summary>The binary protobuf encoding of the request for one run (what http/protobuf and gRPC carry).</summary>
    public static byte[] Encode(RunTrace trace) => ToRequest(trace).ToByteArray();

    public static byte[] Encode(IEnumerable<RunTrace> traces) => ToRequest(traces).ToByteArray();

    private static void AddTo(ExportTraceServiceRequest req, RunTrace trace)
    {
        ByteString traceId = ByteString.CopyFrom(trace.TraceId.ToBytes());
        foreach (string service in trace.Services)
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = ScopeName, Version = ScopeVersion } };
            foreach (var s in trace.Spans)
                if (s.Service == service) scope.Spans.Add(ToSpan(s, traceId));
            if (scope.Spans.Count == 0) continue;
            var rs = new ResourceSpans { Resource = new Resource() };
            rs.Resource.Attributes.Add(Kv("service.name", service));
            rs.Resource.Attributes.Add(Kv("service.namespace", "stressvm"));
            rs.ScopeSpans.Add(scope);
            req.ResourceSpans.Add(rs);
        }
    }

    private static Span ToSpan(TraceSpan s, ByteString traceId)
    {
        var span = new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom(TraceIds.Bytes(s.SpanId)),
            ParentSpanId = s.IsRoot ? ByteString.Empty : ByteString.CopyFrom(TraceIds.Bytes(s.ParentSpanId)),
            Name = s.Name,
            Kind = Span.Types.SpanKind.Internal,
            Flags = 0x101, // sampled, and the parent (if any) is known to be local: one trace
            StartTimeUnixNano = (ulong)s.StartTimeUnixNano,
            EndTimeUnixNano = (ulong)s.EndTimeUnixNano,
        };
        foreach (var a in s.Attributes) span.Attributes.Add(Kv(a));
        foreach (var e in s.Events)
        {
            var ev = new Span.Types.Event { Name = e.Name, TimeUnixNano = (ulong)e.TimeUnixNano };
            foreach (var a in e.Attributes) ev.Attributes.Add(Kv(a));
            span.Events.Add(ev);
        }
        if (s.Status != SpanStatus.Unset)
            span.Status = new Status { Code = (Status.Types.StatusCode)(int)s.Status, Message = s.Status == SpanStatus.Error ? s.StatusMessage : "" };
        return span;
    }

    private static KeyValue Kv(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Kv(TraceAttribute a) => new()
    {
        Key = a.Key,
        Value = a.Value switch
        {
            string s => new AnyValue { StringValue = s },
            long l => new AnyValue { IntValue = l },
            int i => new AnyValue { IntValue = i },
            bool b => new AnyValue { BoolValue = b },
            double d => new AnyValue { DoubleValue = d },
            var other => new AnyValue { StringValue = Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "" },
        },
    };
}

namespace StressVm.Telemetry;

/// <summary>How a span ended: OpenTelemetry's status codes.</summary>
public enum SpanStatus : byte { Unset = 0, Ok = 1, Error = 2 }

/// <summary>
/// One attribute. <see cref="Value"/> is a string, a long, a bool or a double, nothing else, so that every
/// output format can write it exactly.
/// </summary>
public readonly record struct TraceAttribute(string Key, object Value)
{
    public static TraceAttribute Of(string key, string value) => new(key, value);
    public static TraceAttribute Of(string key, long value) => new(key, value);
    public static TraceAttribute Of(string key, bool value) => new(key, value);
    public static TraceAttribute Of(string key, double value) => new(key, value);
}

/// <summary>A point event on a span (a TLB fill, a PTE change, a step), at a logical time.</summary>
public sealed record TraceSpanEvent(string Name, int Step, long TimeUnixNano, IReadOnlyList<TraceAttribute> Attributes);

/// <summary>
/// One span of a run's trace: a fault, a syscall, a walk or a lock hold on one actor's lane, or the run's
/// root. Ids are deterministic; <see cref="ParentSpanId"/> is 0 for the root.
/// </summary>
public sealed class TraceSpan
{
    internal readonly List<TraceAttribute> AttributeList = new();
    internal readonly List<TraceSpanEvent> EventList = new();

    internal TraceSpan(ulong spanId, ulong parentSpanId, string name, string service, int actor, int startStep)
    {
        SpanId = spanId;
        ParentSpanId = parentSpanId;
        Name = name;
        Service = service;
        Actor = actor;
        StartStep = startStep;
    }

    public ulong SpanId { get; }
    public ulong ParentSpanId { get; }
    public bool IsRoot => ParentSpanId == 0;
    public string Name { get; }

    /// <summary>The service (Jaeger process, one lane) the span belongs to: the actor's name, or the root service.</summary>
    public string Service { get; }

    /// <summary>The actor id, or -1 for the root span.</summary>
    public int Actor { get; }

    public int StartStep { get; }

    /// <summary>The step whose end closes the span (inclusive).</summary>
    public int EndStep { get; internal set; }

    public long StartTimeUnixNano { get; internal set; }
    public long EndTimeUnixNano { get; internal set; }

    /// <summary>True when the run ended (a violation, a deadlock, the step budget) while the span was still open.</summary>
    public bool Unclosed { get; internal set; }

    public SpanStatus Status { get; internal set; }
    public string StatusMessage { get; internal set; } = "";
    public IReadOnlyList<TraceAttribute> Attributes => AttributeList;
    public IReadOnlyList<TraceSpanEvent> Events => EventList;

    public string SpanIdHex => TraceIds.Hex(SpanId);
    public string ParentSpanIdHex => ParentSpanId == 0 ? "" : TraceIds.Hex(ParentSpanId);

    public override string ToString() => $"{Service}/{Name} [{StartStep}..{EndStep}] {SpanIdHex}";
}

/// <summary>
/// A finished run as a span tree, independent of the run's (reused) <c>Trace</c>: safe to hand to a background
/// exporter. <see cref="Spans"/> is in creation order, the root first; <see cref="Services"/> in order of first
/// use, the root service first.
/// </summary>
public sealed class RunTrace
{
    internal RunTrace(TraceId traceId, string scenario, ulong seed, RunResult result, IReadOnlyList<TraceSpan> spans, IReadOnlyList<string> services)
    {
        TraceId = traceId;
        Scenario = scenario;
        Seed = seed;
        Result = result;
        Spans = spans;
        Services = services;
    }

    public TraceId TraceId { get; }
    public string Scenario { get; }
    public ulong Seed { get; }
    public RunResult Result { get; }
    public TraceSpan Root => Spans[0];
    public IReadOnlyList<TraceSpan> Spans { get; }
    public IReadOnlyList<string> Services { get; }

    /// <summary>A failing run: a violation, a deadlock, the step budget, an internal error or a diverged replay.</summary>
    public bool IsFailure => Result.Outcome != Outcome.Completed;
}

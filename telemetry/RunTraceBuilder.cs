using System.Globalization;

namespace StressVm.Telemetry;

/// <summary>
/// Turns a finished run into a span tree: a root span for the run, a span per SpanBegin/SpanEnd pair on its
/// actor's lane (nested per actor: a span opened while another of the same actor is open is its child; an
/// actor's outermost spans are children of the root), an event per Event mark, and an error status plus the
/// invariant on the span that was open where an Error mark fired (the root if none was). Pure: the output is a
/// function of the inputs, so it is the same for every replay of a seed. Reads the trace at once: call it
/// before the system runs again.
/// </summary>
public sealed class RunTraceBuilder
{
    private readonly RunTraceOptions _options;

    public RunTraceBuilder(RunTraceOptions? options = null) => _options = options ?? RunTraceOptions.Default;

    public RunTraceOptions Options => _options;

    /// <summary>Shorthand for <c>new RunTraceBuilder(options).Build(...)</c>.</summary>
    public static RunTrace From(string scenario, string strategy, RunResult result, Trace trace, string replayCommand, RunTraceOptions? options = null) =>
        new RunTraceBuilder(options).Build(scenario, result.Seed, strategy, result, trace, replayCommand);

    /// <param name="traceKey">What the trace id is derived from (a run's recipe text, <see cref="TraceIds.ForRecipe"/>); null: (scenario, seed).</param>
    public RunTrace Build(string scenario, ulong seed, string strategy, RunResult result, Trace trace, string replayCommand, string? traceKey = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(trace);
        var o = _options;
        var traceId = traceKey is null ? TraceIds.ForRun(scenario, seed) : TraceIds.ForRecipe(traceKey);
        var spans = new List<TraceSpan>();
        var stacks = new Dictionary<int, List<TraceSpan>>();
        var actorsWithSpans = new SortedSet<int>();

        var root = new TraceSpan(TraceIds.SpanId(traceId, 0), 0, $"run {scenario}", o.RootService, -1, 0);
        spans.Add(root);

        ReadOnlySpan<TraceMark> marks = trace.Marks;
        ReadOnlySpan<StepRecord> steps = trace.Recording ? trace.Steps : default;
        int lastStep = Math.Max(result.Steps, trace.Count) - 1;
        int stepPtr = 0;

        TraceSpan? Innermost(int actor) =>
            actor >= 0 && stacks.TryGetValue(actor, out var st) && st.Count > 0 ? st[^1] : null;

        void EmitStep(in StepRecord s)
        {
            if (!o.StepEvents || s.Message is null) return;
            var span = Innermost(s.Actor);
            if (span is null) return;
            var attrs = new List<TraceAttribute>(4)
            {
                TraceAttribute.Of("stressvm.step", s.Index),
                TraceAttribute.Of("message", Cut(s.Message.ToString() ?? s.MessageType)),
                TraceAttribute.Of("sender", trace.ActorName(s.Sender)),
            };
            if (s.Kind != EnvelopeKind.Normal) attrs.Add(TraceAttribute.Of("kind", s.Kind == EnvelopeKind.Reply ? "reply" : "interrupt"));
            span.EventList.Add(new TraceSpanEvent("step", s.Index, o.TimeOfStep(s.Index), attrs));
        }

        var holds = new Dictionary<(int Actor, string Name), TraceSpan>();
        TraceSpan OpenSpan(in TraceMark m, TraceSpan parent)
        {
            var span = new TraceSpan(TraceIds.SpanId(traceId, spans.Count), parent.SpanId, m.Name, trace.ActorName(m.Actor), m.Actor, m.Step)
            {
                StartTimeUnixNano = o.TimeOfStep(m.Step),
            };
            span.AttributeList.Add(TraceAttribute.Of("stressvm.actor", span.Service));
            span.AttributeList.Add(TraceAttribute.Of("stressvm.step.begin", m.Step));
            if (m.Detail is not null) span.AttributeList.Add(TraceAttribute.Of("stressvm.detail", Cut(m.Detail)));
            spans.Add(span);
            actorsWithSpans.Add(m.Actor);
            return span;
        }
        foreach (var m in marks)
        {
            while (stepPtr < steps.Length && steps[stepPtr].Index <= m.Step) EmitStep(steps[stepPtr++]);
            lastStep = Math.Max(lastStep, m.Step);
            switch (m.Kind)
            {
                case MarkKind.SpanBegin:
                {
                    if (m.Actor < 0) break;
                    if (!stacks.TryGetValue(m.Actor, out var st)) stacks[m.Actor] = st = new List<TraceSpan>();
                    st.Add(OpenSpan(m, st.Count > 0 ? st[^1] : root));
                    break;
                }
                case MarkKind.HoldBegin:
                {
                    // A hold may overlap other spans of its lane: a child of the root, closed by its name.
                    if (m.Actor < 0) break;
                    holds[(m.Actor, m.Name)] = OpenSpan(m, root);
                    break;
                }
                case MarkKind.HoldEnd:
                {
                    if (holds.Remove((m.Actor, m.Name), out var held)) Close(held, m.Step);
                    break;
                }
                case MarkKind.SpanEnd:
                {
                    if (m.Actor < 0 || !stacks.TryGetValue(m.Actor, out var st)) break;
                    int at = st.FindLastIndex(s => s.Name == m.Name);
                    if (at < 0)
                    {
                        // An end without its begin: keep it visible instead of guessing which span it closes.
                        var target = Innermost(m.Actor) ?? root;
                        target.EventList.Add(new TraceSpanEvent("unmatched span end", m.Step, o.TimeOfStep(m.Step),
                            [TraceAttribute.Of("name", m.Name), TraceAttribute.Of("stressvm.actor", trace.ActorName(m.Actor))]));
                        break;
                    }
                    // Spans opened after the one that ends here and not closed are closed with it.
                    for (int i = st.Count - 1; i >= at; i--)
                    {
                        var s = st[i];
                        Close(s, m.Step);
                        if (i > at) s.AttributeList.Add(TraceAttribute.Of("stressvm.closed_by_parent", true));
                    }
                    if (m.Detail is not null) st[at].AttributeList.Add(TraceAttribute.Of("stressvm.end.detail", Cut(m.Detail)));
                    st.RemoveRange(at, st.Count - at);
                    break;
                }
                case MarkKind.Event:
                {
                    var target = Innermost(m.Actor) ?? root;
                    var attrs = new List<TraceAttribute>(3) { TraceAttribute.Of("stressvm.step", m.Step) };
                    if (m.Actor >= 0 && target.Actor != m.Actor) attrs.Add(TraceAttribute.Of("stressvm.actor", trace.ActorName(m.Actor)));
                    if (m.Detail is not null) attrs.Add(TraceAttribute.Of("detail", Cut(m.Detail)));
                    target.EventList.Add(new TraceSpanEvent(m.Name, m.Step, o.TimeOfStep(m.Step), attrs));
                    break;
                }
                case MarkKind.Error:
                {
                    var target = Innermost(m.Actor) ?? root;
                    MarkError(target, m.Name, m.Detail ?? m.Name, m.Step, m.Actor >= 0 ? trace.ActorName(m.Actor) : null);
                    break;
                }
            }
        }
        while (stepPtr < steps.Length) EmitStep(steps[stepPtr++]);

        // Spans still open when the run stopped end with it.
        int endStep = Math.Max(lastStep, 0);
        foreach (var held in holds.Values)
        {
            Close(held, endStep);
            held.Unclosed = true;
            held.AttributeList.Add(TraceAttribute.Of("stressvm.unclosed", true));
        }
        foreach (var actor in actorsWithSpans)
        {
            if (!stacks.TryGetValue(actor, out var st)) continue;
            for (int i = st.Count - 1; i >= 0; i--)
            {
                Close(st[i], endStep);
                st[i].Unclosed = true;
                st[i].AttributeList.Add(TraceAttribute.Of("stressvm.unclosed", true));
            }
        }

        root.StartTimeUnixNano = o.TimeOfStep(0);
        Close(root, endStep);
        AddRootAttributes(root, scenario, seed, strategy, result, traceId, replayCommand);
        if (result.Outcome != Outcome.Completed)
        {
            root.Status = SpanStatus.Error;
            if (root.StatusMessage.Length == 0) root.StatusMessage = Cut(result.ToString());
        }

        var services = new List<string> { o.RootService };
        foreach (int a in actorsWithSpans)
        {
            string name = trace.ActorName(a);
            if (!services.Contains(name)) services.Add(name);
        }
        return new RunTrace(traceId, scenario, seed, result, spans, services);
    }

    private void Close(TraceSpan s, int endStep)
    {
        s.EndStep = Math.Max(endStep, s.StartStep);
        s.EndTimeUnixNano = _options.TimeOfStep(s.EndStep + 1);
        s.AttributeList.RemoveAll(a => a.Key == "stressvm.step.end");
        if (!s.IsRoot) s.AttributeList.Add(TraceAttribute.Of("stressvm.step.end", s.EndStep));
    }

    private void MarkError(TraceSpan span, string invariant, string detail, int step, string? actor)
    {
        span.Status = SpanStatus.Error;
        if (span.StatusMessage.Length == 0) span.StatusMessage = Cut($"{invariant}: {detail}");
        if (!span.AttributeList.Exists(a => a.Key == "stressvm.invariant"))
        {
            span.AttributeList.Add(TraceAttribute.Of("stressvm.invariant", invariant));
            span.AttributeList.Add(TraceAttribute.Of("error.type", invariant));
        }
        var attrs = new List<TraceAttribute>
        {
            TraceAttribute.Of("stressvm.invariant", invariant),
            TraceAttribute.Of("stressvm.step", step),
            TraceAttribute.Of("detail", Cut(detail)),
        };
        if (actor is not null) attrs.Add(TraceAttribute.Of("stressvm.actor", actor));
        span.EventList.Add(new TraceSpanEvent("violation", step, _options.TimeOfStep(step), attrs));
    }

    private void AddRootAttributes(TraceSpan root, string scenario, ulong seed, string strategy, RunResult r, TraceId id, string replayCommand)
    {
        var a = root.AttributeList;
        a.Add(TraceAttribute.Of("stressvm.scenario", scenario));
        a.Add(TraceAttribute.Of("stressvm.seed", seed.ToString(CultureInfo.InvariantCulture)));
        a.Add(TraceAttribute.Of("stressvm.strategy", strategy));
        a.Add(TraceAttribute.Of("stressvm.verdict", VerdictName(r.Outcome)));
        if (r.FindingName is { } finding) a.Add(TraceAttribute.Of("stressvm.finding", finding));
        a.Add(TraceAttribute.Of("stressvm.fingerprint", r.Fingerprint.ToString("x16", CultureInfo.InvariantCulture)));
        a.Add(TraceAttribute.Of("stressvm.steps", r.Steps));
        a.Add(TraceAttribute.Of("stressvm.replay", replayCommand));
        a.Add(TraceAttribute.Of("stressvm.logical_clock.us_per_step", Math.Max(1, _options.MicrosPerStep)));
        if (r.Violation is { } v)
        {
            a.Add(TraceAttribute.Of("stressvm.invariant", v.Invariant));
            a.Add(TraceAttribute.Of("stressvm.violation.step", v.Step));
            a.Add(TraceAttribute.Of("stressvm.violation.actor", v.Actor));
            a.Add(TraceAttribute.Of("stressvm.violation.detail", Cut(v.Detail)));
        }
        if (r.Deadlock is { } d) a.Add(TraceAttribute.Of("stressvm.deadlock", Cut(d.ToString())));
        if (r.Error is { } e) a.Add(TraceAttribute.Of("stressvm.error", Cut(e)));
    }

    /// <summary>"completed", "violation", "deadlock", "step-budget", "internal-error", "replay-diverged".</summary>
    public static string VerdictName(Outcome o) => o switch
    {
        Outcome.Completed => "completed",
        Outcome.Violation => "violation",
        Outcome.Deadlock => "deadlock",
        Outcome.StepBudget => "step-budget",
        Outcome.InternalError => "internal-error",
        Outcome.ReplayDiverged => "replay-diverged",
        _ => o.ToString().ToLowerInvariant(),
    };

    private string Cut(string s) => s.Length <= _options.MaxTextLength ? s : s[.._options.MaxTextLength] + "…";
}

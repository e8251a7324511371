using StressVm.Runtime;
using StressVm.Telemetry;
using Xunit;

namespace StressVm.Tests.Telemetry;

public class RunTraceBuilderTests
{
    private static long T(long step, long usPerStep = 1000) =>
        (RunTraceOptions.DefaultBaseTime.ToUnixTimeMilliseconds() * 1000 + step * usPerStep) * 1000;

    [Fact]
    public void Root_span_carries_the_run_and_is_an_error_for_a_failing_run()
    {
        var t = ToyRuns.Build(7);
        var root = t.Root;
        Assert.True(root.IsRoot);
        Assert.Equal("stressvm", root.Service);
        Assert.Equal("run " + ToyRuns.Scenario, root.Name);
        string Attr(string k) => Convert.ToString(root.Attributes.Single(a => a.Key == k).Value, System.Globalization.CultureInfo.InvariantCulture)!;
        Assert.Equal(ToyRuns.Scenario, Attr("stressvm.scenario"));
        Assert.Equal("7", Attr("stressvm.seed"));
        Assert.Equal("random", Attr("stressvm.strategy"));
        Assert.Equal("violation", Attr("stressvm.verdict"));
        Assert.Equal("lost-write", Attr("stressvm.invariant"));
        Assert.Equal(t.Result.Fingerprint.ToString("x16"), Attr("stressvm.fingerprint"));
        Assert.Equal(ToyRuns.ReplayCommand(7), Attr("stressvm.replay"));
        Assert.Equal(SpanStatus.Error, root.Status);
        Assert.Equal(T(0), root.StartTimeUnixNano);
        Assert.Equal(T(t.Result.Steps), root.EndTimeUnixNano);
    }

    [Fact]
    public void Spans_nest_per_actor_and_top_level_spans_hang_off_the_root()
    {
        var t = ToyRuns.Build(3);
        var byId = t.Spans.ToDictionary(s => s.SpanId);
        Assert.Equal(t.Spans.Count, byId.Count); // ids are distinct
        foreach (var s in t.Spans.Where(s => s.Name == "page_mkwrite"))
        {
            var parent = byId[s.ParentSpanId];
            Assert.Equal("fault", parent.Name);
            Assert.Equal(s.Service, parent.Service);
        }
        foreach (var s in t.Spans.Where(s => s.Name is "fault" or "handle_fault"))
            Assert.Equal(t.Root.SpanId, s.ParentSpanId);
        Assert.Equal(2, t.Spans.Count(s => s.Name == "handle_fault" && s.Service == "mm"));
        Assert.Equal(["stressvm", "mm", "cpu0", "cpu1"], t.Services);
        Assert.All(t.Spans.Where(s => !s.IsRoot), s => Assert.Contains(s.Service, new[] { "mm", "cpu0", "cpu1" }));
    }

    [Fact]
    public void Timestamps_follow_the_logical_clock()
    {
        var (sys, r) = ToyRuns.ReplayedRun(11);
        var options = new RunTraceOptions { MicrosPerStep = 250 };
        var t = new RunTraceBuilder(options).Build(ToyRuns.Scenario, 11, "random", r, sys.Trace, "x");
        // mm's spans start at the very steps where mm took a Fault message.
        var faultSteps = sys.Trace.Steps.ToArray().Where(s => s.Actor == 0 && s.Message is ToyRuns.Fault).Select(s => s.Index).ToList();
        var mmSpans = t.Spans.Where(s => s.Name == "handle_fault").ToList();
        Assert.Equal(faultSteps, mmSpans.Select(s => s.StartStep).ToList());
        foreach (var s in t.Spans)
        {
            Assert.Equal(T(s.StartStep, 250), s.StartTimeUnixNano);
            Assert.Equal(T(s.EndStep + 1, 250), s.EndTimeUnixNano);
            Assert.True(s.EndTimeUnixNano > s.StartTimeUnixNano);
            foreach (var e in s.Events) Assert.Equal(T(e.Step, 250), e.TimeUnixNano);
        }
        // A handler's span opens and closes within its step: one step long.
        Assert.All(mmSpans, s => Assert.Equal(s.StartStep, s.EndStep));
    }

    [Fact]
    public void The_error_lands_on_the_span_open_where_the_violation_fired()
    {
        var t = ToyRuns.Build(5);
        var errors = t.Spans.Where(s => !s.IsRoot && s.Status == SpanStatus.Error).ToList();
        var e = Assert.Single(errors);
        Assert.Equal("mm", e.Service);
        Assert.Equal("handle_fault", e.Name);
        Assert.Same(t.Spans.Where(s => s.Name == "handle_fault").Last(), e);
        Assert.Contains(e.Attributes, a => a.Key == "stressvm.invariant" && (string)a.Value == "lost-write");
        Assert.Contains(e.Events, ev => ev.Name == "violation");
        Assert.Contains("lost-write", e.StatusMessage);
        Assert.Equal(t.Result.Violation!.Step, e.StartStep);
        // The CPU whose fault was being handled never got its reply: its spans end with the run.
        Assert.Contains(t.Spans, s => s.Name == "fault" && s.Unclosed);
    }

    [Fact]
    public void Events_go_to_the_innermost_open_span_of_their_actor()
    {
        var t = ToyRuns.Build(9, buggy: false);
        Assert.Equal(Outcome.Completed, t.Result.Outcome);
        Assert.Equal(SpanStatus.Unset, t.Root.Status);
        Assert.All(t.Spans.Where(s => s.Name == "page_mkwrite"), s => Assert.Contains(s.Events, e => e.Name == "tlb_fill"));
        Assert.All(t.Spans.Where(s => s.Name == "handle_fault"), s => Assert.Contains(s.Events, e => e.Name == "pte_change"));
        Assert.DoesNotContain(t.Spans, s => s.Unclosed);
        // Step events: the reply that resumes a CPU lands inside its page_mkwrite span.
        Assert.All(t.Spans.Where(s => s.Name == "page_mkwrite"),
            s => Assert.Contains(s.Events, e => e.Name == "step" && e.Attributes.Any(a => a.Key == "kind" && (string)a.Value == "reply")));
    }

    [Fact]
    public void Trace_id_comes_from_scenario_and_seed_only()
    {
        var a = ToyRuns.Build(42);
        var b = ToyRuns.Build(42);
        Assert.Equal(TraceIds.ForRun(ToyRuns.Scenario, 42), a.TraceId);
        Assert.Equal(a.TraceId, b.TraceId);
        Assert.NotEqual(a.TraceId, ToyRuns.Build(43).TraceId);
        Assert.NotEqual(TraceIds.ForRun("other", 42), a.TraceId);
        Assert.Matches("^[0-9a-f]{32}$", a.TraceId.ToHex());
        Assert.Equal(a.Spans.Select(s => s.SpanId), b.Spans.Select(s => s.SpanId));
        // Pinned: the id must not change between processes or versions (no string.GetHashCode).
        Assert.Equal(TraceIds.ForRun("toy-lost-write", 42).ToHex(), TraceIds.ForRun("toy-lost-write", 42).ToHex());
    }

    [Fact]
    public void Violation_with_no_open_span_marks_the_root()
    {
        var sys = new ActorSystem();
        var mm = sys.ActorOf(Props.Create(() => new ToyRuns.Mm(false)), "mm");
        sys.ActorOf(Props.Create(() => new ToyRuns.Cpu(mm, 0x3000)), "cpu0");
        sys.AddMonitor(new FailAtEnd());
        var r = sys.Run(new RandomStrategy(), 1, ToyRuns.StartCpus);
        Assert.Equal(Outcome.Violation, r.Outcome);
        var t = new RunTraceBuilder().Build("toy", 1, "random", r, sys.Trace, "x");
        Assert.DoesNotContain(t.Spans, s => !s.IsRoot && s.Status == SpanStatus.Error);
        Assert.Equal(SpanStatus.Error, t.Root.Status);
        Assert.Contains(t.Root.Attributes, a => a.Key == "stressvm.invariant" && (string)a.Value == "final-check");
    }

    private sealed class FailAtEnd : ISafetyMonitor
    {
        public void Reset() { }
        public Violation? AfterStep(ActorSystem system, int step, int actor) => null;
        public Violation? AtEnd(ActorSystem system) => new("final-check", "always fails", system.Step, "-");
    }
}

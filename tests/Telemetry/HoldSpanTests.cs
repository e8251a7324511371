using StressVm.Runtime;
using StressVm.Telemetry;
using Xunit;

namespace StressVm.Tests.Telemetry;

/// <summary>Lock holds overlap instead of nesting: each is its own span under the root, closed by its name.</summary>
public class HoldSpanTests
{
    private sealed record Take(string Lock);
    private sealed record Drop(string Lock);

    private sealed class Locks : Actor
    {
        public Locks()
        {
            Receive<Take>(t => BeginHold($"{t.Lock} held by cpu0", "write"));
            Receive<Drop>(d => EndHold($"{d.Lock} held by cpu0"));
        }
    }

    [Fact]
    public void OverlappingHoldsAreSiblingsWithTheirOwnEnds()
    {
        var sys = new ActorSystem();
        var locks = sys.ActorOf(Props.Create(() => new Locks()), "ptl");
        // take A (step 0), take B (1), drop A (2), drop B (3): A and B overlap without nesting.
        var r = sys.Run(new ReplayStrategy(new Schedule([], new Dictionary<string, string>()), strict: false), 1, s =>
        {
            locks.Tell(new Take("A"));
            locks.Tell(new Take("B"));
            locks.Tell(new Drop("A"));
            locks.Tell(new Drop("B"));
        });
        Assert.Equal(Outcome.Completed, r.Outcome);
        var t = RunTraceBuilder.From("holds", "replay", r, sys.Trace, "stressvm replay holds --seed 1");
        var root = Assert.Single(t.Spans, s => s.IsRoot);
        var a = Assert.Single(t.Spans, s => s.Name == "A held by cpu0");
        var b = Assert.Single(t.Spans, s => s.Name == "B held by cpu0");
        Assert.Equal(root.SpanId, a.ParentSpanId);
        Assert.Equal(root.SpanId, b.ParentSpanId);
        Assert.Equal((0, 2), (a.StartStep, a.EndStep));
        Assert.Equal((1, 3), (b.StartStep, b.EndStep));
        Assert.Equal("ptl", a.Service);
        Assert.False(a.Unclosed);
    }
}

using StressVm.Runtime;
using StressVm.Runtime.Samples;
using StressVm.Runtime.TestKit;
using Xunit;

namespace StressVm.Tests.Runtime;

/// <summary>Two clients read-modify-write a counter with an Ask and a Tell: the lost update must be found and replayed.</summary>
public class LostUpdateTests
{
    [Theory]
    [InlineData("random", 20)]
    [InlineData("pct", 20)]
    public void FoundWithinBoundAndReplaysExactly(string strategy, int bound)
    {
        var sys = LostUpdateToy.Build();
        var strat = StrategySpec.Parse(strategy == "pct" ? "pct:2:8" : strategy).Create();
        var (schedules, found) = SimulationKit.FirstFailing(sys, strat, 0, bound, r => r.IsBug);
        Assert.NotNull(found);
        found!.ExpectViolation(LostUpdateMonitor.Invariant);
        Assert.True(schedules <= bound);

        // The same seed again: the same violation at the same step with the same fingerprint.
        var again = sys.Run(StrategySpec.Parse(strategy == "pct" ? "pct:2:8" : strategy).Create(), found.Seed).ExpectViolation(LostUpdateMonitor.Invariant);
        Assert.Equal(found.Violation!.Step, again.Violation!.Step);
        Assert.Equal(found.Fingerprint, again.Fingerprint);

        // The recorded schedule, through its text form, replays it too.
        var text = sys.RecordedSchedule(new Dictionary<string, string> { ["seed"] = found.Seed.ToString() }).ToText();
        var schedule = Schedule.Parse(text);
        var replay = new ReplayStrategy(schedule, nameOf: id => sys.NameOf(id));
        var replayed = sys.Run(replay, found.Seed).ExpectViolation(LostUpdateMonitor.Invariant);
        Assert.Equal(found.Violation.Step, replayed.Violation!.Step);
        Assert.Equal(found.Fingerprint, replayed.Fingerprint);
        Assert.True(replay.Exhausted);
    }

    [Fact]
    public void SomeSchedulesAreCorrect()
    {
        var sys = LostUpdateToy.Build();
        var outcomes = Enumerable.Range(0, 100).Select(s => sys.Run(new RandomStrategy(), (ulong)s).Outcome).ToList();
        Assert.Contains(Outcome.Completed, outcomes);
        Assert.Contains(Outcome.Violation, outcomes);
    }

    [Fact]
    public void ReplayReportsTheFirstDivergencePrecisely()
    {
        var sys = LostUpdateToy.Build();
        sys.Run(new RandomStrategy(), 3);
        var recorded = sys.RecordedSchedule();
        // Force a choice that cannot be enabled at step 0: the counter has no message yet.
        var choices = recorded.Choices.ToList();
        choices[0] = new Choice(ChoiceKind.Actor, 0, 0, "counter");
        var bad = new Schedule(choices, recorded.Header);
        var r = sys.Run(new ReplayStrategy(bad, nameOf: sys.NameOf), 3);
        Assert.Equal(Outcome.ReplayDiverged, r.Outcome);
        Assert.Equal("seed 3, step 0: choice 1 picks counter (actor 0), which is not enabled; enabled: client0, client1", r.Error);
    }

    [Fact]
    public void ScheduleTextRejectsABadLineWithItsPosition()
    {
        var e = Assert.Throws<FormatException>(() => Schedule.Parse("# stressvm schedule v2\nA 1 cpu0\nX 2\n", "s.txt"));
        Assert.StartsWith("s.txt:3:1:", e.Message);
    }
}

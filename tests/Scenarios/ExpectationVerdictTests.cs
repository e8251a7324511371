using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>The one verdict of run, soak and soak report: expected findings told from unexpected ones.</summary>
public class ExpectationVerdictTests
{
    private static readonly ScenarioExpectation Wrprotect = new("wrprotect-vs-write", "stale-writable-tlb");
    private static readonly ScenarioExpectation Mixed = ScenarioExpectation.Pass("mixed");
    private static readonly ScenarioExpectation B15 = new("fbdefio-offset-from-address", "kernel-warn", ["lost-write"]);

    [Fact]
    public void EveryFindingExpectedAndEveryExpectationMetExitsZero()
    {
        var v = ExpectationVerdict.Judge([Wrprotect, Mixed], [("wrprotect-vs-write", "stale-writable-tlb"), ("wrprotect-vs-write", "stale-writable-tlb")]);
        Assert.Equal(0, v.ExitCode);
        Assert.StartsWith("as expected", v.Text);
        Assert.True(v.IsExpected("wrprotect-vs-write", "stale-writable-tlb"));
        Assert.Empty(v.Unmet);
    }

    [Fact]
    public void AFindingInACorrectScenarioIsUnexpected()
    {
        var v = ExpectationVerdict.Judge([Wrprotect, Mixed], [("wrprotect-vs-write", "stale-writable-tlb"), ("mixed", "refcount")]);
        Assert.Equal(1, v.ExitCode);
        Assert.False(v.IsExpected("mixed", "refcount"));
        Assert.Equal([("mixed", "refcount")], v.Unexpected);
        Assert.StartsWith("UNEXPECTED: refcount in mixed", v.Text);
    }

    [Fact]
    public void AnotherInvariantInABugScenarioIsUnexpectedUnlessListedInExpectAlso()
    {
        var v = ExpectationVerdict.Judge([Wrprotect], [("wrprotect-vs-write", "stale-writable-tlb"), ("wrprotect-vs-write", "lost-write")]);
        Assert.Equal(1, v.ExitCode);
        var also = ExpectationVerdict.Judge([B15], [("fbdefio-offset-from-address", "kernel-warn"), ("fbdefio-offset-from-address", "lost-write")]);
        Assert.Equal(0, also.ExitCode);
    }

    [Fact]
    public void ExpectAlsoIsToleratedButNeverRequired()
    {
        var v = ExpectationVerdict.Judge([B15], [("fbdefio-offset-from-address", "lost-write")]);
        Assert.Equal(1, v.ExitCode); // kernel-warn, the expect, was not found
        Assert.Equal([new UnmetExpectation("fbdefio-offset-from-address", "kernel-warn")], v.Unmet);
        Assert.Equal(0, ExpectationVerdict.Judge([B15], [("fbdefio-offset-from-address", "kernel-warn")]).ExitCode);
    }

    [Fact]
    public void AMissedExpectationExitsOne()
    {
        var v = ExpectationVerdict.Judge([Wrprotect, Mixed], []);
        Assert.Equal(1, v.ExitCode);
        Assert.Equal("expected violation not found: stale-writable-tlb in wrprotect-vs-write", v.Text);
    }

    [Fact]
    public void AFindingOfAScenarioThatDidNotRunIsUnexpected()
    {
        Assert.Equal(1, ExpectationVerdict.Judge([Mixed], [("wrprotect-vs-write", "stale-writable-tlb")]).ExitCode);
    }

    [Fact]
    public void TheSoaksStepBudgetIsTheScenariosLivelock()
    {
        var v = ExpectationVerdict.Judge([new ScenarioExpectation("perf-legacy-no-mapping", "livelock")], [("perf-legacy-no-mapping", "step-budget")]);
        Assert.Equal(0, v.ExitCode);
        Assert.True(v.IsExpected("perf-legacy-no-mapping", "step-budget"));
    }

    [Fact]
    public void AStoppedRunNeverSaysAsExpected()
    {
        string stopped = ExpectationVerdict.StoppedAfter(500, 10_000, "SIGTERM");
        Assert.Equal("stopped after 500 of 10,000 schedules (SIGTERM)", stopped);
        var ok = ExpectationVerdict.Judge([Wrprotect], [("wrprotect-vs-write", "stale-writable-tlb")], stoppedEarly: stopped);
        Assert.Equal(0, ok.ExitCode);
        Assert.StartsWith("stopped after 500 of 10,000 schedules (SIGTERM): ", ok.Text);
        Assert.DoesNotContain("as expected", ok.Text);
        var missed = ExpectationVerdict.Judge([Wrprotect], [], stoppedEarly: stopped);
        Assert.Equal(1, missed.ExitCode);
        Assert.Contains("not found yet", missed.Text);
        Assert.DoesNotContain("as expected", missed.Text);
    }

    [Fact]
    public void InternalErrorsAloneExitThreeAndNeverHideAFinding()
    {
        Assert.Equal(3, ExpectationVerdict.Judge([Mixed], [], internalErrors: 2).ExitCode);
        Assert.Equal(1, ExpectationVerdict.Judge([Mixed], [("mixed", "refcount")], internalErrors: 2).ExitCode);
    }

    [Fact]
    public void BuiltInScenariosCarryTheirExpectAlso()
    {
        var spec = ScenarioCatalog.LoadBuiltin("fbdefio-offset-from-address");
        var e = ScenarioExpectation.Of(spec);
        Assert.Equal("kernel-warn", e.Expect);
        Assert.Equal(["lost-write"], e.Also);
        Assert.False(ScenarioExpectation.Of(ScenarioCatalog.LoadBuiltin("mixed")).Allows("lost-write"));
    }

    [Fact]
    public void ExpectAlsoWithExpectPassIsRejected()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            "expect = pass\nexpect-also = [lost-write]\nvmas = [ { name = a, start = 0x10 } ]\ncpus = [ { name = cpu0, program = [\"load a\"] } ]", "x.conf"));
        Assert.Contains("expect-also", e.Message);
        var bad = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            "expect = lost-write\nexpect-also = [lost-wrte]\nvmas = [ { name = a, start = 0x10 } ]\ncpus = [ { name = cpu0, program = [\"load a\"] } ]", "x.conf"));
        Assert.Contains("lost-wrte", bad.Message);
    }
}

using StressVm.Scenarios;
using StressVm.Tests.Contract;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>
/// Every built-in scenario that plants a bug gets the verdict "as expected" from `stressvm run` as a user runs it
/// (the default strategy, 2,000 seeds): it finds its `expect`, and whatever else it finds is in its `expect-also`.
/// A planted bug that fires another invariant the scenario does not list would fail CI's soak of that scenario
/// (fbdefio-offset-self-deadlock lacked B15's lost-write until this test).
/// </summary>
public sealed class BugScenarioVerdictTests
{
    public static TheoryData<string> BugScenarios()
    {
        var d = new TheoryData<string>();
        foreach (var name in ScenarioCatalog.Names)
            if (ScenarioCatalog.LoadBuiltin(name).Expect != "pass") d.Add(name);
        return d;
    }

    [Theory]
    [MemberData(nameof(BugScenarios))]
    public void RunSaysAsExpected(string scenario)
    {
        var r = CliHarness.Stressvm("run", scenario, "--seeds", "2000");
        Assert.True(r.Code == 0, r.ToString());
        Assert.Contains("verdict     as expected", r.Out);
    }
}

namespace StressVm.Scenarios;

/// <summary>
/// What a scenario predicts (its <c>expect</c> and <c>expect-also</c> keys): <see cref="Expect"/> is "pass" or the
/// invariant that must fire; <see cref="Also"/> lists invariants its planted bug may fire on other schedules
/// (tolerated, never required). A finding is expected only in a scenario that plants a bug.
/// </summary>
public sealed record ScenarioExpectation(string Scenario, string Expect, IReadOnlyList<string> Also)
{
    public const string PassValue = "pass";

    public ScenarioExpectation(string scenario, string expect) : this(scenario, expect, []) { }

    public bool ExpectsPass => Expect == PassValue;

    /// <summary>True when <paramref name="finding"/> (an invariant, "deadlock", "livelock" or "step-budget") is predicted.</summary>
    public bool Allows(string finding)
    {
        if (ExpectsPass) return false;
        string f = Normalize(finding);
        return f == Expect || Also.Contains(f);
    }

    /// <summary>The soak records a step-budget run as "step-budget"; scenarios and `run` call it "livelock".</summary>
    public static string Normalize(string finding) => finding == "step-budget" ? "livelock" : finding;

    public static ScenarioExpectation Of(ScenarioSpec spec) => new(spec.Name, spec.Expect, spec.ExpectAlso);

    /// <summary>A scenario that predicts nothing (a correct model): every finding in it is unexpected.</summary>
    public static ScenarioExpectation Pass(string scenario) => new(scenario, PassValue);
}

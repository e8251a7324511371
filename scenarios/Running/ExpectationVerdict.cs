using System.Globalization;

namespace StressVm.Scenarios;

/// <summary>An expected bug that was not found: the scenario predicts <see cref="Invariant"/> and it never fired.</summary>
public sealed record UnmetExpectation(string Scenario, string Invariant)
{
    public override string ToString() => $"{Invariant} in {Scenario}";
}

/// <summary>
/// The one verdict of `run`, `soak` and `soak report` that CI acts on. Expected findings (a scenario's
/// <c>expect</c> / <c>expect-also</c>) are told from unexpected ones: exit 0 when every finding was expected and every
/// expected bug was found, 1 on an unexpected finding or a missed expectation, 3 when only internal errors (a
/// StressVm defect) are left. A session stopped early (Ctrl-C, SIGTERM) says "stopped after ..." and never
/// "as expected". Pure: the same inputs give the same verdict.
/// </summary>
public sealed class ExpectationVerdict
{
    public const int ExitAsExpected = 0;
    public const int ExitUnexpected = 1;
    public const int ExitInternalError = 3;

    private readonly Dictionary<string, ScenarioExpectation> _expectations;

    private ExpectationVerdict(Dictionary<string, ScenarioExpectation> expectations, IReadOnlyList<(string Scenario, string Invariant)> expected,
        IReadOnlyList<(string Scenario, string Invariant)> unexpected, IReadOnlyList<UnmetExpectation> unmet, long internalErrors, string? stopped)
    {
        _expectations = expectations;
        Expected = expected;
        Unexpected = unexpected;
        Unmet = unmet;
        InternalErrors = internalErrors;
        StoppedEarly = stopped;
    }

    /// <summary>Distinct (scenario, invariant) findings that a scenario predicts.</summary>
    public IReadOnlyList<(string Scenario, string Invariant)> Expected { get; }

    /// <summary>Distinct (scenario, invariant) findings that no scenario predicts: regressions, or a wrong model.</summary>
    public IReadOnlyList<(string Scenario, string Invariant)> Unexpected { get; }

    /// <summary>Scenarios that ran and predict a bug that was not found.</summary>
    public IReadOnlyList<UnmetExpectation> Unmet { get; }

    public long InternalErrors { get; }

    /// <summary>"stopped after N of M schedules" when the session ended before its planned end; null otherwise.</summary>
    public string? StoppedEarly { get; }

    public bool AsExpected => Unexpected.Count == 0 && Unmet.Count == 0;

    public int ExitCode => !AsExpected ? ExitUnexpected : InternalErrors > 0 ? ExitInternalError : ExitAsExpected;

    /// <summary>
    /// Judges <paramref name="findings"/> (scenario, invariant; repeats allowed) against the predictions of the
    /// scenarios that ran. A finding in a scenario missing from <paramref name="ran"/> is unexpected.
    /// </summary>
    /// <param name="stoppedEarly">Null for a session that ran to its planned end; else what <see cref="StoppedAfter"/> says.</param>
    public static ExpectationVerdict Judge(IEnumerable<ScenarioExpectation> ran, IEnumerable<(string Scenario, string Invariant)> findings,
        long internalErrors = 0, string? stoppedEarly = null)
    {
        var expectations = new Dictionary<string, ScenarioExpectation>(StringComparer.Ordinal);
        foreach (var e in ran) expectations[e.Scenario] = e;
        var distinct = new SortedSet<(string, string)>(findings.Select(f => (f.Scenario, ScenarioExpectation.Normalize(f.Invariant))), Comparer);
        var expected = new List<(string, string)>();
        var unexpected = new List<(string, string)>();
        foreach (var f in distinct)
            (expectations.TryGetValue(f.Item1, out var e) && e.Allows(f.Item2) ? expected : unexpected).Add(f);
        var unmet = expectations.Values
            .Where(e => !e.ExpectsPass && !distinct.Contains((e.Scenario, e.Expect)))
            .OrderBy(e => e.Scenario, StringComparer.Ordinal)
            .Select(e => new UnmetExpectation(e.Scenario, e.Expect))
            .ToList();
        return new ExpectationVerdict(expectations, expected, unexpected, unmet, internalErrors, stoppedEarly);
    }

    /// <summary>The text for a session cut short: "stopped after 500 of 10,000 schedules" (or "after 500 schedules").</summary>
    public static string StoppedAfter(long done, long? planned, string? why = null) =>
        "stopped after " + done.ToString("N0", CultureInfo.InvariantCulture)
        + (planned is { } p ? " of " + p.ToString("N0", CultureInfo.InvariantCulture) : "") + " schedules"
        + (why is null ? "" : $" ({why})");

    /// <summary>True when the scenario predicts this finding (for --json's <c>expected</c>).</summary>
    public bool IsExpected(string scenario, string invariant) =>
        _expectations.TryGetValue(scenario, out var e) && e.Allows(invariant);

    /// <summary>One line: "as expected: ...", "UNEXPECTED: ...", "expected violation not found: ...", prefixed by "stopped after ...: " when cut short.</summary>
    public string Text
    {
        get
        {
            var parts = new List<string>();
            if (Unexpected.Count > 0) parts.Add("UNEXPECTED: " + List(Unexpected.Select(f => $"{f.Invariant} in {f.Scenario}")));
            if (Unmet.Count > 0)
                parts.Add((StoppedEarly is null ? "expected violation not found: " : "expected violation not found yet: ") + List(Unmet.Select(u => u.ToString())));
            if (parts.Count == 0)
            {
                string found = Expected.Count == 0 ? "nothing found" : "found " + List(Expected.Select(f => $"{f.Invariant} in {f.Scenario}"));
                parts.Add(StoppedEarly is null ? $"as expected ({found})" : $"no unexpected finding so far ({found})");
            }
            if (InternalErrors > 0)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{InternalErrors} internal error(s): a defect of StressVm, not a finding"));
            string text = string.Join("; ", parts);
            return StoppedEarly is null ? text : $"{StoppedEarly}: {text}";
        }
    }

    public override string ToString() => Text;

    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        const int shown = 6;
        return all.Count <= shown ? string.Join(", ", all) : string.Join(", ", all.Take(shown)) + $" and {all.Count - shown} more";
    }

    private static readonly Comparer<(string, string)> Comparer = Comparer<(string, string)>.Create((a, b) =>
    {
        int c = string.CompareOrdinal(a.Item1, b.Item1);
        return c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2);
    });
}

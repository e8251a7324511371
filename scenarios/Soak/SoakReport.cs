using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StressVm.Scenarios.Soak;

/// <summary>One distinct failure as reported: counts, seeds and the command that replays it.</summary>
public sealed record ReportedFailure(
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("invariant")] string Invariant,
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("firstSeed")] ulong FirstSeed,
    [property: JsonPropertyName("shortestSeed")] ulong ShortestSeed,
    [property: JsonPropertyName("shortestSteps")] int ShortestSteps,
    [property: JsonPropertyName("replay")] string Replay,
    [property: JsonPropertyName("minimizedSchedule")] string? MinimizedSchedule,
    [property: JsonPropertyName("minimizedSteps")] int? MinimizedSteps,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("tail")] string Tail,
    [property: JsonPropertyName("expected")] bool Expected = false);

/// <summary>
/// The merged view of one or more state directories (one per shard or per machine): total schedules and
/// one entry per distinct failure, with the replay command of its shortest seed.
/// </summary>
public sealed class SoakReport
{
    private SoakReport(long schedules, long chunks, long duplicateChunks, long internalErrors, IReadOnlyList<ReportedFailure> failures,
        IReadOnlyList<InternalErrorFound> errors, ExpectationVerdict verdict, IReadOnlyList<StateCoverage> coverage)
    {
        Coverage = coverage;
        Schedules = schedules;
        Chunks = chunks;
        DuplicateChunks = duplicateChunks;
        InternalErrors = internalErrors;
        Failures = failures;
        InternalErrorExamples = errors;
        Verdict = verdict;
    }

    /// <summary>
    /// Expected against unexpected failures over the scenarios that completed at least one chunk (or found a
    /// failure): the exit code of `soak` and `soak report`.
    /// </summary>
    public ExpectationVerdict Verdict { get; }

    public long Schedules { get; }

    /// <summary>Chunks done (each counted once).</summary>
    public long Chunks { get; }

    /// <summary>Chunk results that arrived more than once and were counted once.</summary>
    public long DuplicateChunks { get; }
    public long InternalErrors { get; }
    public IReadOnlyList<ReportedFailure> Failures { get; }
    public IReadOnlyList<InternalErrorFound> InternalErrorExamples { get; }

    /// <summary>Per state directory with coverage recorded: its classes over schedules (shards' classes may overlap, so they are not added).</summary>
    public IReadOnlyList<StateCoverage> Coverage { get; }

    /// <summary>One state directory's coverage rows (<see cref="CoverageSeen"/>), schedules growing; the last is the latest.</summary>
    public sealed record StateCoverage(string Directory, IReadOnlyList<CoverageSeen> Rows);

    public static SoakReport FromDirectories(IReadOnlyList<string> directories, Action<string> warn,
        Func<string, ScenarioExpectation>? expectation = null)
    {
        var states = new List<SoakState>();
        foreach (var d in directories)
        {
            if (!File.Exists(JournalFile.PathIn(d))) throw new FileNotFoundException($"no soak journal in {d} (expected {JournalFile.PathIn(d)})");
            states.Add(SoakState.Load(d, warn));
        }
        var shards = new Dictionary<string, string>();
        foreach (var s in states)
        {
            if (s.Header is not { } h) continue;
            string key = $"{h.ShardIndex}/{h.ShardCount} base {h.BaseSeed} chunk {h.ChunkSize}";
            if (shards.TryGetValue(key, out var other))
                warn($"{s.Directory} and {other} are the same shard ({key}): their counts add up twice");
            else shards[key] = s.Directory;
        }
        return FromStates(states, expectation);
    }

    /// <summary>The merged report; each failure's replay command comes from its journal recipe (<see cref="FailureEntry.ShortestRecipe"/>).</summary>
    /// <param name="expectation">What each scenario predicts (<see cref="IScenarioSource.Expectation"/>); without it every failure is unexpected.</param>
    /// <param name="stoppedEarly">Set when the session that wrote the states was cut short (<see cref="ExpectationVerdict.StoppedAfter"/>).</param>
    public static SoakReport FromStates(IReadOnlyList<SoakState> states, Func<string, ScenarioExpectation>? expectation = null, string? stoppedEarly = null)
    {
        expectation ??= ScenarioExpectation.Pass;
        var merged = new Dictionary<(string, string), FailureEntry>();
        foreach (var s in states)
            foreach (var f in s.Failures)
            {
                if (!merged.TryGetValue((f.Scenario, f.Signature), out var m))
                    merged[(f.Scenario, f.Signature)] = m = new FailureEntry(f.Scenario, f.Signature, f.Invariant);
                m.MergeFrom(f);
            }
        // The scenarios the verdict judges: those with a completed chunk, and any with a recorded failure.
        var ran = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in states)
            foreach (var name in s.ScenariosWithChunks)
                if (s.Ledger(name).DoneCount > 0) ran.Add(name);
        foreach (var f in merged.Values) ran.Add(f.Scenario);
        long internalErrors = states.Sum(s => s.InternalErrors);
        var verdict = ExpectationVerdict.Judge(ran.Select(expectation), merged.Values.Select(f => (f.Scenario, f.Invariant)), internalErrors, stoppedEarly);
        var failures = merged.Values
            .OrderByDescending(f => f.Count).ThenBy(f => f.Scenario, StringComparer.Ordinal).ThenBy(f => f.Signature, StringComparer.Ordinal)
            .Select(f => new ReportedFailure(
                f.Signature, f.Invariant, f.Scenario, f.DisplayCount, f.FirstSeed, f.ShortestSeed, f.ShortestSteps,
                f.ShortestRecipe().ReplayCommand(),
                f.MinimizedSchedule, f.MinimizedSteps, f.Detail, f.Tail, verdict.IsExpected(f.Scenario, f.Invariant)))
            .ToList();
        return new SoakReport(
            states.Sum(s => s.Schedules), states.Sum(s => s.DoneChunks), states.Sum(s => s.DuplicateChunks), internalErrors, failures,
            states.SelectMany(s => s.InternalErrorRecords).Take(10).ToList(), verdict,
            states.Where(s => s.Coverage.Count > 0).Select(s => new StateCoverage(s.Directory, CoverageRows(s.Coverage))).ToList());
    }

    /// <summary>The journal's rows with growing schedules (a resume after a kill may repeat a count: the later row wins).</summary>
    private static List<CoverageSeen> CoverageRows(IReadOnlyList<CoverageSeen> rows)
    {
        var kept = new List<CoverageSeen>();
        foreach (var r in rows)
        {
            while (kept.Count > 0 && kept[^1].Schedules >= r.Schedules) kept.RemoveAt(kept.Count - 1);
            kept.Add(r);
        }
        return kept;
    }

    /// <summary>The exit code CI acts on (<see cref="ExpectationVerdict.ExitCode"/>).</summary>
    public int ExitCode => Verdict.ExitCode;

    public string ToJson()
    {
        var doc = new JsonReport(Schedules, Chunks, DuplicateChunks, InternalErrors, Failures,
            Verdict.Unmet.Select(u => new JsonUnmet(u.Scenario, u.Invariant)).ToList(), Verdict.StoppedEarly is null, Verdict.Text, Verdict.ExitCode,
            Coverage.Select(c => new JsonCoverage(c.Directory, c.Rows[^1].Schedules, c.Rows[^1].Classes, c.Rows[^1].Estimated, c.Rows[^1].PairsSeen,
                c.Rows[^1].PairsBothOrders, c.Rows.Select(r => new JsonCoverageRow(r.Schedules, r.Classes)).ToList())).ToList());
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public string ToText()
    {
        var sb = new StringBuilder();
        int expected = Failures.Count(f => f.Expected);
        sb.Append(CultureInfo.InvariantCulture,
            $"{Schedules:N0} schedules in {Chunks:N0} chunks, {Failures.Count} distinct failure(s) ({expected} expected, {Failures.Count - expected} unexpected), {InternalErrors} internal error(s)");
        if (DuplicateChunks > 0) sb.Append(CultureInfo.InvariantCulture, $"; {DuplicateChunks:N0} chunk result(s) arrived twice and were counted once");
        sb.Append('\n');
        foreach (var f in Failures)
        {
            sb.Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"{f.Invariant}  [{f.Scenario}]  signature {f.Signature}  x{f.Count}\n");
            sb.Append(f.Expected ? "  expected: the scenario predicts it\n" : "  UNEXPECTED: the scenario does not predict it\n");
            if (f.Detail.Length > 0) sb.Append("  ").Append(f.Detail).Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"  first seed {f.FirstSeed}, shortest seed {f.ShortestSeed} ({f.ShortestSteps} steps)\n");
            sb.Append("  replay: ").Append(f.Replay).Append('\n');
            if (f.MinimizedSchedule is not null)
                sb.Append(CultureInfo.InvariantCulture, $"  minimized ({f.MinimizedSteps} steps): {Recipe.ScheduleReplayCommand(f.Scenario, f.MinimizedSchedule)}\n");
            if (f.Tail.Length > 0) sb.Append("  last steps: ").Append(f.Tail).Append('\n');
        }
        foreach (var c in Coverage) AppendCoverage(sb, c, Coverage.Count > 1);
        foreach (var e in InternalErrorExamples)
            sb.Append(CultureInfo.InvariantCulture, $"\ninternal error [{e.Scenario}] seed {e.Seed} ({e.Strategy}): {FirstLine(e.Error)}\n");
        sb.Append("\nverdict: ").Append(Verdict.Text).Append('\n');
        return sb.ToString();
    }

    /// <summary>The latest coverage line, and classes over schedules: when "new" falls toward 0 while schedules double, the campaign saturates.</summary>
    private static void AppendCoverage(StringBuilder sb, StateCoverage c, bool named)
    {
        var c0 = CultureInfo.InvariantCulture;
        sb.Append("\ncoverage").Append(named ? $" ({c.Directory})" : "").Append(": ").Append(SoakCoverage.Describe(c.Rows[^1])).Append('\n');
        sb.Append("  schedules        classes      new\n");
        long before = 0;
        foreach (var r in c.Rows)
        {
            sb.Append(c0, $"  {r.Schedules,12:N0}  {(r.Estimated ? "~" : " ")}{r.Classes,11:N0}  {Math.Max(0, r.Classes - before),7:N0}\n");
            before = r.Classes;
        }
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl];
    }

    private sealed record JsonReport(
        [property: JsonPropertyName("schedules")] long Schedules,
        [property: JsonPropertyName("chunks")] long Chunks,
        [property: JsonPropertyName("duplicateChunks")] long DuplicateChunks,
        [property: JsonPropertyName("internalErrors")] long InternalErrors,
        [property: JsonPropertyName("failures")] IReadOnlyList<ReportedFailure> Failures,
        [property: JsonPropertyName("unmetExpectations")] IReadOnlyList<JsonUnmet> UnmetExpectations,
        [property: JsonPropertyName("complete")] bool Complete,
        [property: JsonPropertyName("verdict")] string Verdict,
        [property: JsonPropertyName("exitCode")] int ExitCode,
        [property: JsonPropertyName("coverage")] IReadOnlyList<JsonCoverage> Coverage);

    private sealed record JsonCoverage(
        [property: JsonPropertyName("state")] string State,
        [property: JsonPropertyName("schedules")] long Schedules,
        [property: JsonPropertyName("classes")] long Classes,
        [property: JsonPropertyName("classesEstimated")] bool Estimated,
        [property: JsonPropertyName("conflictingPairs")] int PairsSeen,
        [property: JsonPropertyName("conflictingPairsBothOrders")] int PairsBothOrders,
        [property: JsonPropertyName("classesOverSchedules")] IReadOnlyList<JsonCoverageRow> Table);

    private sealed record JsonCoverageRow(
        [property: JsonPropertyName("schedules")] long Schedules,
        [property: JsonPropertyName("classes")] long Classes);

    private sealed record JsonUnmet(
        [property: JsonPropertyName("scenario")] string Scenario,
        [property: JsonPropertyName("invariant")] string Invariant);
}

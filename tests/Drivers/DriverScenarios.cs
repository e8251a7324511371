using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Tests.Drivers;

/// <summary>Shared helpers: the issue-5 scenarios, each knob's scenario and expected invariant, and a run loop.</summary>
internal static class DriverScenarios
{
    /// <summary>(knob, scenario, invariant it must raise) for the driver knobs, from the scenario catalogue.</summary>
    public static readonly (string Knob, string Scenario, string Invariant)[] Knobs =
        StressVm.Tests.Kernel.KnobTableTests.Catalogue().Where(c => IsDriverKnob(c.Knob)).ToArray();

    /// <summary>A driver knob is named after its driver: perf-, fbdefio-, dax-.</summary>
    public static bool IsDriverKnob(string knob) =>
        knob.StartsWith("perf-", StringComparison.Ordinal) || knob.StartsWith("fbdefio-", StringComparison.Ordinal) || knob.StartsWith("dax-", StringComparison.Ordinal);

    /// <summary>
    /// The correct driver versions, from the catalogue: every built-in scenario that expects pass and maps a VMA
    /// through a driver other than the plain page cache (perf, fb_defio, DAX, fault-around).
    /// </summary>
    public static readonly string[] Clean = ScenarioCatalog.Names
        .Select(ScenarioCatalog.LoadBuiltin)
        .Where(s => s.Expect == "pass" && s.Vmas.Any(v => v.Driver is not null && v.Driver != "filemap"))
        .Select(s => s.Name)
        .ToArray();

    public static RunSettings Settings(string strategy = "random", int depth = 3, IReadOnlyDictionary<string, bool>? knobs = null,
        IReadOnlyDictionary<string, string>? settings = null) =>
        new()
        {
            Strategy = StrategySpec.Parse(strategy, depth), KnobOverrides = knobs ?? new Dictionary<string, bool>(),
            SettingOverrides = settings ?? new Dictionary<string, string>(),
        };

    /// <summary>Schedules until the first run raising <paramref name="invariant"/> (or any bug if null); cap+1 when none.</summary>
    public static (int Schedules, RunResult? First) FirstViolation(string scenario, RunSettings s, int cap, string? invariant, ulong firstSeed = 0)
    {
        var spec = ScenarioCatalog.LoadBuiltin(scenario);
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategy = ScenarioRunner.Strategy(model, s);
        for (int i = 0; i < cap; i++)
        {
            var r = Explorer.RunOne(model, strategy, firstSeed + (ulong)i);
            if (r.Outcome == Outcome.InternalError) throw new InvalidOperationException($"{scenario} seed {firstSeed + (ulong)i}: {r.Error}");
            if (r.IsBug && (invariant is null || ScenarioRunner.FindingName(r) == invariant)) return (i + 1, r);
        }
        return (cap + 1, null);
    }

    /// <summary>Runs <paramref name="seeds"/> schedules; returns the findings by invariant and the summed counters.</summary>
    public static (Dictionary<string, int> Findings, Dictionary<string, long> Counters, RunResult? First) Explore(string scenario, RunSettings s, int seeds, ulong firstSeed = 0) =>
        Explore(ScenarioCatalog.LoadBuiltin(scenario), s, seeds, firstSeed);

    public static (Dictionary<string, int> Findings, Dictionary<string, long> Counters, RunResult? First) Explore(ScenarioSpec spec, RunSettings s, int seeds, ulong firstSeed = 0)
    {
        string scenario = spec.Name;
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategy = ScenarioRunner.Strategy(model, s);
        var findings = new Dictionary<string, int>();
        var counters = new Dictionary<string, long>();
        RunResult? first = null;
        for (int i = 0; i < seeds; i++)
        {
            var r = Explorer.RunOne(model, strategy, firstSeed + (ulong)i);
            model.AddCounters(counters);
            if (r.Outcome == Outcome.InternalError) throw new InvalidOperationException($"{scenario} seed {firstSeed + (ulong)i}: {r.Error}");
            if (!r.IsBug) continue;
            first ??= r;
            string name = ScenarioRunner.FindingName(r)!;
            findings[name] = findings.GetValueOrDefault(name) + 1;
        }
        return (findings, counters, first);
    }
}

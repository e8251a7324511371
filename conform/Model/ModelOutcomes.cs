using System.Globalization;
using System.Text.RegularExpressions;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Conform;

/// <summary>One outcome vector the model allows: how many schedules showed it, and the first seed (with its strategy).</summary>
public sealed record AllowedOutcome(string[] Vector, int Count, ulong FirstSeed, string Strategy);

/// <summary>The model's allowed outcome set for a scenario, and the runs that ended before every operation completed.</summary>
public sealed record ModelOutcomeSet(IReadOnlyList<AllowedOutcome> Allowed, int Schedules, IReadOnlyDictionary<string, int> Unfinished, string Settings);

/// <summary>
/// The allowed outcome set from exploration: many seeds of `run` under random and PCT (d = 1..3), each run's
/// outcome vector recorded by <see cref="OutcomeRecorder"/>. The kernel settings are chosen from the guest's
/// version (<see cref="GuestSettings"/>) and win over the scenario's own <c>kernel { }</c> pins.
/// </summary>
public static class ModelOutcomes
{
    public static ModelOutcomeSet Explore(ConformProgram program, IReadOnlyDictionary<string, string> settings, int seeds)
    {
        var s = new RunSettings { SettingOverrides = settings };
        var model = ScenarioRunner.BuildModel(program.Spec, s);
        var recorder = new OutcomeRecorder(model.Cpus, program.Ops);
        model.System.AddMonitor(recorder);
        var found = new Dictionary<string, (string[] V, int Count, ulong Seed, string Strategy)>(StringComparer.Ordinal);
        var unfinished = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int schedules = 0;
        // A quarter random, the rest PCT at depths 1-3: PCT reaches the rare orderings (a store between two
        // steps of munmap) that a random walk seldom takes.
        StrategySpec[] strategies = [StrategySpec.Random.Instance, new StrategySpec.Pct(1), new StrategySpec.Pct(2), new StrategySpec.Pct(3)];
        int per = Math.Max(1, seeds / strategies.Length);
        foreach (var spec in strategies)
        {
            var strategy = ScenarioRunner.Strategy(model, s with { Strategy = spec });
            for (int i = 0; i < per; i++)
            {
                var r = Explorer.RunOne(model, strategy, (ulong)i);
                schedules++;
                var v = recorder.Vector;
                if (r.Outcome != Outcome.Completed || v is null)
                {
                    string why = ScenarioRunner.FindingName(r) ?? "incomplete";
                    unfinished[why] = unfinished.GetValueOrDefault(why) + 1;
                    continue;
                }
                string key = string.Join('\n', v);
                if (found.TryGetValue(key, out var e)) found[key] = e with { Count = e.Count + 1 };
                else found[key] = (v, 1, (ulong)i, strategy.Name);
            }
        }
        var allowed = found.Values.OrderByDescending(e => e.Count).ThenBy(e => string.Join('\n', e.V), StringComparer.Ordinal)
            .Select(e => new AllowedOutcome(e.V, e.Count, e.Seed, e.Strategy)).ToArray();
        return new ModelOutcomeSet(allowed, schedules, unfinished, model.Knobs.SettingsString());
    }
}

/// <summary>The model's kernel settings that match a guest kernel version (uname -r, e.g. "6.1.0-57-amd64").</summary>
public static class GuestSettings
{
    public static (int Major, int Minor) Version(string release)
    {
        var m = Regex.Match(release, @"^(\d+)\.(\d+)");
        if (!m.Success) throw new FormatException($"cannot read a kernel version from '{release}'");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// perf.mode: pfnmap from v6.14 ("perf: map pages in advance", b709eb872e19), legacy before;
    /// fbdefio.version: v7.0 from v6.15 (fbdefio->mapping at open), v6.14 before; dax.version: v7.0 from
    /// v6.15 (fsdax inserts through vmf_insert_page_mkwrite, the ZONE_DEVICE refcount series), v6.14 before;
    /// debug-vm off (distribution kernels have no CONFIG_DEBUG_VM).
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(string release)
    {
        var v = Version(release);
        bool atLeast(int a, int b) => v.Major > a || v.Major == a && v.Minor >= b;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["perf.mode"] = atLeast(6, 14) ? "pfnmap" : "legacy",
            ["fbdefio.version"] = atLeast(6, 15) ? "v7.0" : "v6.14",
            ["dax.version"] = atLeast(6, 15) ? "v7.0" : "v6.14",
            ["debug-vm"] = "false",
        };
    }
}

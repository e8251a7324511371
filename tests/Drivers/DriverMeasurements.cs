using System.Diagnostics;
using StressVm.Cli.Bench;
using StressVm.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace StressVm.Tests.Drivers;

/// <summary>
/// Measurements for the report (knob table, 100,000-schedule clean runs, the B14 campaign), not unit tests:
/// skipped in test runs (xunit Skip, so they are never counted as passed); to measure, drop the Skip and run
/// dotnet test tests/StressVm.Tests.csproj -c Release --filter "Category=Measurement" --logger "console;verbosity=detailed"
/// </summary>
[Trait("Category", "Measurement")]
public class DriverMeasurements(ITestOutputHelper output)
{
    /// <summary>Why these are skipped in a plain test run: they are minutes of measurement, not checks.</summary>
    private const string Why = "a measurement for README.md (minutes long), not a check: run it by removing Skip locally, " +
                               "dotnet test -c Release --filter Category=Measurement --logger \"console;verbosity=detailed\"";

    [Fact(Skip = Why)]
    public void KnobTable()
    {
        output.WriteLine("| knob | scenario | invariant | random: median / max (found) | pct d3: median / max (found) | knob off: schedules/s | steps |");
        foreach (var (knob, scenario, invariant) in DriverScenarios.Knobs)
        {
            var spec = ScenarioCatalog.LoadBuiltin(scenario);
            var on = new Dictionary<string, bool> { [knob] = true };
            string r = Ranges(scenario, DriverScenarios.Settings("random", knobs: on), invariant);
            string p = Ranges(scenario, DriverScenarios.Settings("pct", 3, on), invariant);
            var (sps, steps) = KernelBench.Speed(spec, DriverScenarios.Settings(knobs: new Dictionary<string, bool> { [knob] = false }), 20_000);
            output.WriteLine($"| {knob} | {scenario} | {invariant} | {r} | {p} | {sps:0} | {steps:0.#} |");
        }
    }

    /// <summary>Schedules to the first violation of <paramref name="invariant"/> in 20 disjoint seed ranges (cap 5000).</summary>
    private static string Ranges(string scenario, RunSettings s, string invariant)
    {
        var counts = new List<int>();
        for (int r = 0; r < 20; r++) counts.Add(DriverScenarios.FirstViolation(scenario, s, 5000, invariant, (ulong)r * 1_000_003UL).Schedules);
        counts.Sort();
        int found = counts.Count(c => c <= 5000);
        return $"{(counts[9] + counts[10]) / 2.0:0.#} / {counts[^1]} ({found}/20)";
    }

    [Fact(Skip = Why)]
    public void CleanRuns100k()
    {
        foreach (var scenario in DriverScenarios.Clean)
        {
            foreach (var strategy in new[] { "random", "pct" })
            {
                var sw = Stopwatch.StartNew();
                var (findings, _, first) = DriverScenarios.Explore(scenario, DriverScenarios.Settings(strategy), 100_000);
                sw.Stop();
                output.WriteLine($"| {scenario} | {strategy} | 100000 | {(findings.Count == 0 ? "none" : string.Join(", ", findings.Select(f => $"{f.Key} {f.Value}x")))} | {100_000 / sw.Elapsed.TotalSeconds:0}/s |{(first is null ? "" : " first: " + first)}");
            }
        }
    }
}

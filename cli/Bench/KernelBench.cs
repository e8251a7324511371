using System.Diagnostics;
using StressVm.Runtime;

using StressVm.Scenarios;

namespace StressVm.Cli.Bench;

/// <summary>One row of the knob table: schedules to the first violation (median over seed ranges) and speed.</summary>
public sealed record KernelBenchRow(
    string Knob, string Scenario, string Expect,
    double MedianRandom, double MedianPct, int FoundRandom, int FoundPct, int Ranges,
    double SchedulesPerSecond, double StepsPerSchedule);

/// <summary>
/// Figures for README's knob table: for each knob's scenario, the schedules needed to reach the first
/// violation under random and PCT (median over <c>ranges</c> disjoint seed ranges, each capped at
/// <c>cap</c> schedules), and schedules per second with the knob off. Wall-clock time is measured here,
/// outside any simulation.
/// </summary>
public static class KernelBench
{
    /// <summary>The knob each built-in scenario exists for.</summary>
    public static readonly IReadOnlyList<(string Knob, string Scenario)> KnobScenarios =
    [
        ("munmap-free-before-flush", "munmap-vs-stale-tlb"),
        ("wrprotect-skip-flush", "wrprotect-vs-write"),
        ("fault-skip-pte-recheck", "dontneed-vs-write-fault"),
        ("fault-ignore-vma-lock", "munmap-vs-fault"),
        ("zap-flush-at-batch-end", "munmap-vs-writeback"),
        ("zap-rmap-before-flush", "dontneed-vs-writeback"),
        ("madvise-flush-own-range-only", "parallel-dontneed"),
        ("mkwrite-unlock-before-dirty", "mkwrite-vs-writeback"),
        // Drivers (issue 5): each knob's scenario is named after it.
        ("perf-legacy-no-mapping", "perf-legacy-no-mapping"),
        ("perf-mkwrite-any-page", "perf-mkwrite-any-page"),
        ("perf-allow-split", "perf-allow-split"),
        ("fbdefio-mkwrite-unlocked", "fbdefio-mkwrite-unlocked"),
        ("fbdefio-fault-resets-list", "fbdefio-fault-resets-list"),
        ("fbdefio-offset-from-address", "fbdefio-offset-from-address"),
        ("fbdefio-offset-from-address", "fbdefio-offset-hang"),
        ("dax-mkwrite-skip-pte-check", "dax-mkwrite-skip-pte-check"),
        ("dax-insert-strict-pfn", "dax-insert-strict-pfn"),
        ("dax-wrprotect-first-index-only", "dax-wrprotect-first-index-only"),
        ("fork-no-vma-write-lock", "fork-vs-vma-locked-fault"),
    ];

    public static IReadOnlyList<KernelBenchRow> Run(int ranges = 20, int cap = 2000, int speedSchedules = 20_000, int pctDepth = 3, Action<string>? log = null)
    {
        var rows = new List<KernelBenchRow>();
        foreach (var (knob, name) in KnobScenarios)
        {
            var spec = ScenarioCatalog.LoadBuiltin(name);
            var on = new Scenarios.RunSettings { KnobOverrides = new Dictionary<string, bool> { [knob] = true } };
            var off = new Scenarios.RunSettings { KnobOverrides = new Dictionary<string, bool> { [knob] = false } };
            var (mr, fr) = Median(spec, on with { Strategy = Runtime.StrategySpec.Random.Instance }, ranges, cap);
            var (mp, fp) = Median(spec, on with { Strategy = new Runtime.StrategySpec.Pct(pctDepth) }, ranges, cap);
            var (sps, steps) = Speed(spec, off, speedSchedules);
            var row = new KernelBenchRow(knob, name, spec.Expect, mr, mp, fr, fp, ranges, sps, steps);
            log?.Invoke($"{knob,-30} {name,-26} random {mr,7:0.#} ({fr}/{ranges})  pct {mp,7:0.#} ({fp}/{ranges})  {sps,9:0}/s  {steps:0.#} steps");
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Schedules to the first violation in each of <paramref name="ranges"/> seed ranges (cap when none).</summary>
    public static (double Median, int Found) Median(ScenarioSpec spec, Scenarios.RunSettings s, int ranges, int cap)
    {
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategy = ScenarioRunner.Strategy(model, s);
        var counts = new List<int>();
        int found = 0;
        for (int r = 0; r < ranges; r++)
        {
            ulong first = (ulong)r * 1_000_003UL;
            int n = cap;
            for (int i = 0; i < cap; i++)
            {
                var res = Explorer.RunOne(model, strategy, first + (ulong)i);
                if (res.IsBug)
                {
                    n = i + 1;
                    found++;
                    break;
                }
            }
            counts.Add(n);
        }
        counts.Sort();
        double median = counts.Count % 2 == 1 ? counts[counts.Count / 2] : (counts[counts.Count / 2 - 1] + counts[counts.Count / 2]) / 2.0;
        return (median, found);
    }

    /// <summary>Schedules per second (one thread, every oracle on) and mean steps per schedule.</summary>
    public static (double PerSecond, double Steps) Speed(ScenarioSpec spec, Scenarios.RunSettings s, int schedules)
    {
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategy = new RandomStrategy();
        Explorer.Explore(model, strategy, 1_000_000, Math.Min(500, schedules)); // warm-up (JIT, pools)
        var sw = Stopwatch.StartNew();
        var sum = Explorer.Explore(model, strategy, 0, schedules);
        sw.Stop();
        return (schedules / sw.Elapsed.TotalSeconds, (double)sum.Steps / sum.Schedules);
    }
}

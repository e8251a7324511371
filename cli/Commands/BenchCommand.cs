using System.CommandLine;
using System.Text.Json;
using StressVm.Cli.Bench;
using StressVm.Cli.Common;
using StressVm.Scenarios;

namespace StressVm.Cli.Commands;

/// <summary>`stressvm bench runtime [--json]`: single-thread speed figures for README.md.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure StressVm's speed on this machine: runtime and kernel on one thread, soak on the worker counts asked for. Figures, not pass/fail.");

        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per case, in seconds (> 0).", DefaultValueFactory = _ => 1.0 }.Above(0);
        var runtime = new Command("runtime",
            "Runtime throughput with trace recording on: Tell ping-pong and Ask/await ping-pong in steps/s and bytes allocated " +
            "per step, and schedules/s of a 98-step toy scenario (two clients racing read-modify-write on a counter, the system reset between schedules).");
        runtime.Options.Add(json);
        runtime.Options.Add(seconds);
        runtime.SetAction(pr =>
        {
            var r = RuntimeBench.Run(pr.GetValue(seconds));
            if (pr.GetValue(json))
            {
                var o = new
                {
                    tell = new { stepsPerSecond = Math.Round(r.Tell.StepsPerSecond), bytesPerStep = Math.Round(r.Tell.BytesPerStep, 2) },
                    ask = new { stepsPerSecond = Math.Round(r.Ask.StepsPerSecond), bytesPerStep = Math.Round(r.Ask.BytesPerStep, 2) },
                    schedules = new
                    {
                        schedulesPerSecond = Math.Round(r.Schedules.SchedulesPerSecond),
                        stepsPerSchedule = Math.Round(r.Schedules.StepsPerSchedule, 1),
                        bytesPerSchedule = Math.Round(r.Schedules.BytesPerSchedule, 1),
                    },
                };
                Console.WriteLine(JsonSerializer.Serialize(o));
            }
            else
            {
                Console.WriteLine($"{"case",-22} {"rate",16} {"alloc",16}");
                Console.WriteLine($"{"tell ping-pong",-22} {r.Tell.StepsPerSecond,12:N0} st/s {r.Tell.BytesPerStep,10:N2} B/step");
                Console.WriteLine($"{"ask/await ping-pong",-22} {r.Ask.StepsPerSecond,12:N0} st/s {r.Ask.BytesPerStep,10:N2} B/step");
                Console.WriteLine($"{"toy schedules",-22} {r.Schedules.SchedulesPerSecond,12:N0} sc/s {r.Schedules.BytesPerSchedule,10:N1} B/sched ({r.Schedules.StepsPerSchedule:N0} steps each)");
            }
            return CliApp.ExitOk;
        });
        bench.Subcommands.Add(runtime);
        bench.Subcommands.Add(CreateKernel());
        bench.Subcommands.Add(CreateSoak());
        return bench;
    }

    private static readonly string[] SwarmScenarios = ["mixed", "mixed-drivers", "mixed-processes"];

    private static Command CreateKernel()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of rows instead of a table." };
        var ranges = new Option<int>("--ranges") { Description = "Disjoint seed ranges per knob and strategy; the table gives the median.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var cap = new Option<int>("--cap") { Description = "Schedules tried per range before giving up.", DefaultValueFactory = _ => 2000 }.AtLeast(1);
        var speed = new Option<int>("--speed-schedules") { Description = "Schedules timed per scenario (knob off) for schedules/s.", DefaultValueFactory = _ => 20_000 }.AtLeast(1);
        var depth = new Option<int>("--pct-depth") { Description = "PCT depth for the PCT column, >= 1.", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var kernel = new Command("kernel",
            "The knob table of README.md: for each bug knob, its scenario, the schedules to the first violation (median over " +
            "--ranges seed ranges) under random walk and PCT, and schedules/s with every invariant checked after every step, plus the " +
            "speed of the swarm scenarios (mixed, mixed-drivers, mixed-processes: random walk, coverage off, as `run --strategy random -D stressvm.run.coverage=false`).")
        { json, ranges, cap, speed, depth };
        kernel.SetAction(pr =>
        {
            bool asJson = pr.GetValue(json);
            var rows = KernelBench.Run(pr.GetValue(ranges), pr.GetValue(cap), pr.GetValue(speed), pr.GetValue(depth),
                asJson ? null : line => Console.WriteLine(line));
            // The swarms: every operation at once, so the speed a long soak runs at (issue 12 asks 20,000/s of mixed-processes).
            var swarms = SwarmScenarios.Select(name =>
            {
                var (rate, steps) = KernelBench.Speed(ScenarioCatalog.LoadBuiltin(name), new Scenarios.RunSettings(), pr.GetValue(speed));
                return (Scenario: name, Rate: rate, Steps: steps);
            }).ToList();
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    knobs = rows.Select(r => new
                    {
                        r.Knob, r.Scenario, r.Expect, medianRandom = r.MedianRandom, medianPct = r.MedianPct,
                        foundRandom = r.FoundRandom, foundPct = r.FoundPct, r.Ranges,
                        schedulesPerSecond = Math.Round(r.SchedulesPerSecond), stepsPerSchedule = Math.Round(r.StepsPerSchedule, 1),
                    }),
                    swarms = swarms.Select(w => new { scenario = w.Scenario, schedulesPerSecond = Math.Round(w.Rate), stepsPerSchedule = Math.Round(w.Steps, 1) }),
                }));
            }
            else
                foreach (var w in swarms)
                    Console.WriteLine($"{"(knob off) swarm",-30} {w.Scenario,-26} {w.Rate,9:0}/s  {w.Steps:0.#} steps");
            return CliApp.ExitOk;
        });
        return kernel;
    }

    private static Command CreateSoak()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON object (every timed case and the median ratio per worker count) instead of lines." };
        var scenarios = new Option<string>("--scenarios") { Description = "Scenarios, comma-separated, run in rotation as `soak` does.", DefaultValueFactory = _ => "mixed" };
        var workers = new Option<string>("--workers") { Description = "Worker counts to measure, comma-separated, each >= 1.", DefaultValueFactory = _ => "1,2" };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per timed case (> 0).", DefaultValueFactory = _ => 15.0 }.Above(0);
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each times the pool and the campaign once per worker count, alternating which goes first.", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var coverage = new Option<bool>("--coverage") { Description = "Track coverage in both (soak's default; off here because the pre-Akka pool had none)." };
        var soak = new Command("soak",
            "The soak campaign (Akka.NET coordinator and worker actors, as `stressvm soak` runs) against a plain thread pool running the same " +
            "engine on the same chunks and journaling each chunk (the pool that soak was before Akka.NET), side by side in one process, " +
            "alternating: schedules/s of each and their ratio, per worker count. The campaign layer's own cost, with the model held equal.")
        { json, scenarios, workers, seconds, rounds, coverage };
        soak.SetAction(pr =>
        {
            var source = Scenarios.Soak.KernelScenarioSource.Create(new RunSettings());
            IReadOnlyList<string> names;
            int[] counts;
            try
            {
                names = Campaign.CampaignRunner.ResolveScenarios(source,
                    pr.GetValue(scenarios)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                counts = pr.GetValue(workers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(w => int.TryParse(w, out int n) && n >= 1 ? n : throw new ArgumentException($"--workers: '{w}' is not a worker count >= 1"))
                    .ToArray();
                if (counts.Length == 0) throw new ArgumentException("--workers: give at least one worker count");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"stressvm bench soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            bool asJson = pr.GetValue(json);
            var rows = SoakBench.Run(source, new RunSettings(), names, counts, TimeSpan.FromSeconds(pr.GetValue(seconds)), pr.GetValue(rounds),
                pr.GetValue(coverage), asJson ? null : Console.WriteLine);
            var ratios = counts.Select(w =>
            {
                var per = rows.Where(r => r.Workers == w).GroupBy(r => r.Round)
                    .Select(g => g.Single(r => r.Runner == "campaign").SchedulesPerSecond / g.Single(r => r.Runner == "pool").SchedulesPerSecond)
                    .Order().ToArray();
                return (Workers: w, Median: per[per.Length / 2], Min: per[0], Max: per[^1]);
            }).ToList();
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    scenarios = names,
                    cases = rows.Select(r => new { round = r.Round, workers = r.Workers, runner = r.Runner, schedules = r.Schedules, seconds = Math.Round(r.Seconds, 2), schedulesPerSecond = Math.Round(r.SchedulesPerSecond) }),
                    campaignOverPool = ratios.Select(r => new { workers = r.Workers, median = Math.Round(r.Median, 3), min = Math.Round(r.Min, 3), max = Math.Round(r.Max, 3) }),
                }));
            else
                foreach (var r in ratios)
                    Console.WriteLine($"campaign / pool, {r.Workers} worker(s): median {r.Median:0.00} (rounds {r.Min:0.00}-{r.Max:0.00})");
            return CliApp.ExitOk;
        });
        return soak;
    }
}

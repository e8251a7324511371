using StressVm.Scenarios;
using StressVm.Cli.Common;
using System.CommandLine;
using StressVm.Runtime;
using StressVm.Scenarios.Minimize;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Commands;

/// <summary>
/// `stressvm minimize`: shrinks a failing run (a seed under a strategy, or a schedule file) by delta
/// debugging over its choices and, when the scenario supports it, its program operations; verifies the
/// result by strict replay, writes it and prints its interleaving.
/// </summary>
public static class MinimizeCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "The scenario that failed." };
        var seed = new Option<ulong?>("--seed") { Description = "The failing seed." }.Seed();
        var schedule = new Option<string?>("--schedule") { Description = "A failing schedule file (its header names the seed)." };
        var output = new Option<string?>("-o", "--output") { Description = "Where to write the minimal schedule (default <scenario>-<seed>.min.schedule)." };
        var strategy = new Option<string>("--strategy") { Description = "Strategy that found the seed: random or pct.", DefaultValueFactory = _ => "random" };
        var depth = new Option<int>("--pct-depth") { Description = "PCT depth, >= 1.", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var steps = new Option<int?>("--pct-steps") { Description = "PCT expected run length, >= 1 (default: the scenario's pilot estimate, as the soak uses)." }.AtLeast(1);
        var maxReplays = new Option<int>("--max-replays") { Description = "Candidate replays to spend at most, >= 1.", DefaultValueFactory = _ => 2000 }.AtLeast(1);
        var cmd = new Command("minimize", "Shrink a failing run to the fewest steps that still fail the same invariant.")
        {
            scenario, seed, schedule, output, strategy, depth, steps, maxReplays,
        };
        ConfigOptions.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var kernel = KernelSettings.Load(parse, out int configExit);
            if (kernel is null) return configExit;
            string name = parse.GetValue(scenario)!;
            ulong? s = parse.GetValue(seed);
            string? file = parse.GetValue(schedule);
            if ((s is null) == (file is null))
            {
                Console.Error.WriteLine("stressvm minimize: give exactly one of --seed and --schedule");
                return CliApp.ExitBadInput;
            }
            MinimizationResult m;
            try
            {
                // Built-in name or .conf file, with the user's knob overrides (-D), tracing on for the interleaving.
                var model = ScenarioRunner.BuildModel(ScenarioCatalog.Load(name), kernel, recordTrace: true);
                var options = new MinimizerOptions(parse.GetValue(maxReplays));
                if (file is not null)
                {
                    var loaded = Schedule.Load(file);
                    if (loaded.Get(ScheduleHeader.Scenario) is { } other && other != name)
                        Console.Error.WriteLine($"stressvm minimize: warning: {file} was recorded for scenario {other}");
                    m = FailureMinimizer.FromSchedule(model, loaded, options);
                }
                else
                {
                    string kind = parse.GetValue(strategy)!;
                    var spec = new StrategySpec(kind, parse.GetValue(depth), parse.GetValue(steps) ?? Explorer.EstimateSteps(model));
                    spec.Create(); // validates the kind
                    m = FailureMinimizer.FromSeed(model, name, s!.Value, spec, options);
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or ScenarioException)
            {
                Console.Error.WriteLine($"stressvm minimize: {e.Message}");
                return CliApp.ExitBadInput;
            }
            string path = parse.GetValue(output) ?? $"{name}-{m.Original.Seed}.min.schedule";
            FailureMinimizer.SaveAtomically(m.Schedule, path);
            foreach (var line in m.Interleaving) Console.Out.WriteLine(line);
            Console.Out.WriteLine($"{m.Invariant}: {m.Original.Steps} -> {m.Minimized.Steps} steps, {m.Schedule.Choices.Count} choices" +
                (m.DroppedOperations.Count > 0 ? $", {m.DroppedOperations.Count} program operation(s) dropped" : "") +
                $", {m.Replays} replays, {(m.Verified ? "verified by strict replay" : "NOT reproduced by strict replay")}");
            Console.Out.WriteLine($"  {m.Minimized}");
            Console.Out.WriteLine($"wrote {path}");
            return m.Verified ? CliApp.ExitBugFound : CliApp.ExitBadInput;
        });
        return cmd;
    }
}

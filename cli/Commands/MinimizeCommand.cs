using StressVm.Scenarios;
using StressVm.Cli.Common;
using System.CommandLine;
using StressVm.Runtime;
using StressVm.Scenarios.Minimize;

namespace StressVm.Cli.Commands;

/// <summary>
/// `stressvm minimize`: shrinks a failing run (a seed under a strategy, or a schedule file) by delta
/// debugging over its choices and, when the scenario supports it, its program operations; verifies the
/// result by strict replay, writes it and prints its interleaving and the command that replays it. Takes
/// the same options, defaults (stressvm.run) and settings as replay, so a printed replay command with
/// "replay" changed to "minimize" minimizes that very run.
/// </summary>
public static class MinimizeCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "The scenario that failed." };
        var seed = new Option<ulong?>("--seed") { Description = "The failing seed." };
        var schedule = new Option<string?>("--schedule") { Description = "A failing schedule file (its header carries the recipe)." };
        var output = new Option<string?>("-o", "--output") { Description = "Where to write the minimal schedule (default <scenario>-<seed>.min.schedule)." };
        var strategy = new StrategyOptions();
        var maxReplays = new Option<int>("--max-replays") { Description = "Candidate replays to spend at most.", DefaultValueFactory = _ => 2000 };
        var cmd = new Command("minimize", "Shrink a failing run to the fewest steps that still fail the same invariant.")
        {
            scenario, seed, schedule, output,
        };
        strategy.AddTo(cmd);
        cmd.Options.Add(maxReplays);
        ConfigOptions.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var err = parse.InvocationConfiguration.Error;
            var input = RunInputs.Load(parse, "minimize", parse.GetValue(scenario)!, parse.GetValue(seed), parse.GetValue(schedule), strategy, out int code);
            if (input is null) return code;
            string path = parse.GetValue(output) ?? $"{input.Spec.Name}-{input.Seed}.min.schedule";
            if (OutputFiles.CheckFile(path) is { } bad) // before the work: a minimization must not be lost to a typo
            {
                err.WriteLine($"stressvm minimize: -o: {bad}");
                return CliApp.ExitBadInput;
            }
            MinimizationResult m;
            Recipe recipe;
            try
            {
                // Tracing on for the interleaving.
                var model = ScenarioRunner.BuildModel(input.Spec, input.Settings, recordTrace: true);
                if (!RunInputs.CheckActors(input, model, "minimize", err)) return CliApp.ExitBadInput;
                var options = new MinimizerOptions(parse.GetValue(maxReplays));
                recipe = input.Recorded ?? Recipes.For(model, input.Settings, ScenarioRunner.ResolveStrategy(model, input.Settings), input.Seed);
                m = input.Schedule is { } loaded
                    ? FailureMinimizer.FromSchedule(model, loaded, input.Seed, options)
                    : FailureMinimizer.FromSeed(model, recipe, options);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or ScenarioException)
            {
                err.WriteLine($"stressvm minimize: {e.Message}");
                return CliApp.ExitBadInput;
            }
            var (written, failure) = OutputFiles.WriteWithFallback(path, m.Schedule.ToText());
            foreach (var line in m.Interleaving) o.WriteLine(line);
            o.WriteLine($"{m.Invariant}: {m.Original.Steps} -> {m.Minimized.Steps} steps, {m.Schedule.Choices.Count} choices" +
                (m.DroppedOperations.Count > 0 ? $", {m.DroppedOperations.Count} program operation(s) dropped" : "") +
                $", {m.Replays} replays, {(m.Verified ? "verified by strict replay" : "NOT reproduced by strict replay")}");
            o.WriteLine($"  {m.Minimized}");
            o.WriteLine($"fingerprint {m.Minimized.Fingerprint:x16}");
            if (failure is not null) err.WriteLine($"stressvm minimize: {failure}; wrote the minimized schedule to {written} instead");
            o.WriteLine($"wrote {written}");
            o.WriteLine($"replay: {Recipe.ScheduleReplayCommand(recipe.Scenario, written)}");
            return m.Verified ? CliApp.ExitBugFound : CliApp.ExitBadInput;
        });
        return cmd;
    }
}

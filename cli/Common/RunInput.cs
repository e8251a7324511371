using System.CommandLine;
using StressVm.Cli.Common;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>What replay and minimize run: the scenario, the settings, and either a seed's recipe or a schedule file with the recipe of its header.</summary>
internal sealed record RunInput(ScenarioSpec Spec, Scenarios.RunSettings Settings, Schedule? Schedule, string? ScheduleFile, Recipe? Recorded, ulong Seed);

/// <summary>
/// Loads a <see cref="RunInput"/> for replay and minimize, the one place a schedule file's recipe is read back and
/// checked: its scenario and content hash against the scenario given, its settings applied as the -D layer
/// and compared with the effective ones, its swarm draw re-drawn. Every problem is one line and exit 2.
/// </summary>
internal static class RunInputs
{
    public static RunInput? Load(ParseResult parse, string command, string scenarioArg, ulong? seed, string? scheduleFile,
        StrategyOptions strategy, out int code)
    {
        var err = parse.InvocationConfiguration.Error;
        code = CliApp.ExitBadInput;
        ScenarioSpec spec;
        Schedule? sched = null;
        Recipe? recorded = null;
        try
        {
            spec = ScenarioCatalog.Load(scenarioArg);
            if ((seed is null) == (scheduleFile is null)) throw new FormatException("give exactly one of --seed S or --schedule FILE");
            if (scheduleFile is not null)
            {
                if (strategy.Given(parse))
                    throw new FormatException("--strategy, --pct-depth and --pct-steps go with --seed; a schedule file carries its own strategy");
                if (!File.Exists(scheduleFile)) throw new FormatException($"schedule file not found: {scheduleFile}");
                sched = Schedule.Load(scheduleFile);
                recorded = Recipe.FromHeader(sched, scheduleFile);
                CheckScenario(recorded, spec, scheduleFile);
            }
        }
        catch (Exception e) when (e is ScenarioException or FileNotFoundException or FormatException or IOException or UnauthorizedAccessException)
        {
            err.WriteLine($"stressvm {command}: {e.Message}");
            return null;
        }
        var s = KernelSettings.Load(parse, out code, recorded?.Overrides);
        if (s is null) return null;
        code = CliApp.ExitBadInput;
        try
        {
            s = s with { Strategy = recorded?.Strategy ?? strategy.Resolve(parse, s.Strategy) };
            if (recorded is not null)
            {
                var now = Recipes.For(spec, s, recorded.Strategy, recorded.Seed);
                if (!now.Settings.SequenceEqual(recorded.Settings))
                    throw new FormatException($"{scheduleFile} was recorded with settings {Show(recorded.Settings)}, but --config and -D make them {Show(now.Settings)}");
                if (recorded.Swarm is { } drawn && Recipes.SwarmOf(spec, recorded.Seed) is { } again && again != drawn)
                    throw new FormatException($"{scheduleFile}: seed {recorded.Seed} drew swarm operations {drawn} when recorded, but draws {again} now (the swarm generator changed)");
            }
        }
        catch (FormatException e)
        {
            err.WriteLine($"stressvm {command}: {e.Message}");
            return null;
        }
        code = CliApp.ExitOk;
        return new RunInput(spec, s, sched, scheduleFile, recorded, recorded?.Seed ?? seed!.Value);
    }

    /// <summary>The schedule's actor choices against the model's actors (ids and names must agree); false (message written) when they do not.</summary>
    public static bool CheckActors(RunInput input, KernelModel model, string command, TextWriter err)
    {
        if (input.Schedule is null) return true;
        try
        {
            input.Schedule.CheckActors(model.System, input.ScheduleFile!);
            return true;
        }
        catch (FormatException e)
        {
            err.WriteLine($"stressvm {command}: {e.Message}");
            return false;
        }
    }

    private static void CheckScenario(Recipe recorded, ScenarioSpec spec, string file)
    {
        // A built-in's name, or a .conf path (whose file name is the scenario's name); "fbdefio-v6.14" has no extension.
        string recordedName = recorded.Scenario.EndsWith(".conf", StringComparison.Ordinal)
            ? Path.GetFileNameWithoutExtension(recorded.Scenario) : Path.GetFileName(recorded.Scenario);
        if (recordedName != spec.Name)
            throw new FormatException($"{file} was recorded for scenario {recorded.Scenario}, not {ScenarioCatalog.CommandLineName(spec)}");
        if (recorded.ScenarioHash is { } h && h != spec.ContentHash)
            throw new FormatException($"{file} was recorded for another version of scenario {spec.Name} (content hash {h}, now {spec.ContentHash}): the scenario file was edited since");
    }

    private static string Show(IReadOnlyList<RecipeSetting> s) => s.Count == 0 ? "none (the defaults)" : string.Join(" ", s);
}

using System.CommandLine;
using StressVm.Cli.Common;
using StressVm.Config;
using StressVm.Kernel;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>Run settings for run and replay: stressvm.run.* and the user's stressvm.kernel.bugs.* from --config/-D.</summary>
internal static class KernelSettings
{
    /// <summary>stressvm.run.mailbox-order: per-actor or per-sender; anything else names the path and where it was set.</summary>
    private static Runtime.MailboxOrder MailboxOrderOf(StressVm.Config.Config root)
    {
        const string path = "stressvm.run.mailbox-order";
        if (!root.HasPath(path)) return Runtime.MailboxOrder.PerActor;
        return root.GetString(path) switch
        {
            "per-actor" => Runtime.MailboxOrder.PerActor,
            "per-sender" => Runtime.MailboxOrder.PerSender,
            var v => throw new ConfigException($"path {path}: expected per-actor or per-sender, got \"{v}\"{(root.GetOrigin(path) is { } o ? $" (set at {o})" : "")}"),
        };
    }

    /// <summary>Loads the configuration; null (with exit code 2 already reported) when it is bad.</summary>
    /// <param name="recipeOverrides">A schedule file's recorded settings (<see cref="Scenarios.Recipe.Overrides"/>), layered after --config and -D.</param>
    public static Scenarios.RunSettings? Load(ParseResult parse, out int exitCode, IReadOnlyList<string>? recipeOverrides = null)
    {
        var settings = ConfigOptions.LoadSettingsOrFail(parse, out exitCode, recipeOverrides);
        if (settings is null) return null;
        try
        {
            var r = settings.Run;
            return new Scenarios.RunSettings
            {
                Seeds = r.Seeds,
                FirstSeed = r.FirstSeed,
                Strategy = r.Strategy == ExplorationStrategy.Pct ? new Runtime.StrategySpec.Pct(r.PctDepth) : Runtime.StrategySpec.Random.Instance,
                MaxSteps = r.MaxSteps,
                KnobOverrides = KernelKnobsConfig.UserOverrides(settings.Root),
                SettingOverrides = KernelKnobsConfig.UserSettingOverrides(settings.Root),
                MailboxOrder = MailboxOrderOf(settings.Root),
                Coverage = settings.Root.GetBool("stressvm.run.coverage"),
            };
        }
        catch (ConfigException e)
        {
            exitCode = ConfigOptions.Fail(parse, e);
            return null;
        }
    }
}

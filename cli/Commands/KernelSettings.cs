using System.CommandLine;
using StressVm.Cli.Common;
using StressVm.Config;
using StressVm.Kernel;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>Run settings for run and replay: stressvm.run.* and the user's stressvm.kernel.bugs.* from --config/-D.</summary>
internal static class KernelSettings
{
    /// <summary>Loads the configuration; null (with exit code 2 already reported) when it is bad.</summary>
    public static Scenarios.RunSettings? Load(ParseResult parse, out int exitCode)
    {
        var settings = ConfigOptions.LoadSettingsOrFail(parse, out exitCode);
        if (settings is null) return null;
        try
        {
            var r = settings.Run;
            return new Scenarios.RunSettings
            {
                Seeds = r.Seeds,
                FirstSeed = r.FirstSeed,
                Strategy = r.Strategy == ExplorationStrategy.Pct ? "pct" : "random",
                PctDepth = r.PctDepth,
                MaxSteps = r.MaxSteps,
                KnobOverrides = KernelKnobsConfig.UserOverrides(settings.Root),
                SettingOverrides = KernelKnobsConfig.UserSettingOverrides(settings.Root),
            };
        }
        catch (ConfigException e)
        {
            exitCode = ConfigOptions.Fail(parse, e);
            return null;
        }
    }
}

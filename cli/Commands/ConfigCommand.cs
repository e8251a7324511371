using System.CommandLine;
using StressVm.Cli.Common;

namespace StressVm.Cli.Commands;

/// <summary><c>stressvm config</c>: prints the fully resolved configuration a command would see.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object instead of HOCON text. Numbers are JSON numbers and booleans JSON booleans; " +
                          "durations and sizes stay the strings written in the configuration (\"8h\", \"30s\", \"512K\"), " +
                          "since HOCON has no duration type: ns/us/ms/s/m/h/d, bare numbers being milliseconds.",
        };
        var noDefaults = new Option<bool>("--no-defaults")
        {
            Description = "Leave out the built-in defaults and turn off the environment-variable fallback: prints just the " +
                          "resolved tree of --config FILE and -D overrides (checks the HOCON parser against any document).",
        };
        var command = new Command("config",
            "Print the fully resolved configuration: defaults merged with --config and -D, substitutions resolved. " +
            "The HOCON text form notes after each value the file:line:column where it was set. " + ConfigOptions.LayeringHelp);
        ConfigOptions.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(noDefaults);
        command.SetAction(parseResult =>
        {
            var config = ConfigOptions.LoadOrFail(parseResult, out var exitCode, parseResult.GetValue(noDefaults));
            if (config is null) return exitCode;
            var output = parseResult.InvocationConfiguration.Output;
            output.Write(parseResult.GetValue(json) ? config.ToJson(indented: true) + "\n" : config.ToHocon(origins: true));
            return CliApp.ExitOk;
        });
        return command;
    }
}

using System.CommandLine;
using StressVm.Config;

namespace StressVm.Cli.Common;

using Config = StressVm.Config.Config;

/// <summary>
/// The configuration options every command shares: <c>--config FILE</c> and repeatable <c>-D path=value</c>
/// (also written <c>-Dpath=value</c>), and the loading that turns a bad configuration into a one-line
/// message and exit code 2, never a stack trace.
/// </summary>
public static class ConfigOptions
{
    /// <summary>Describes the layering, for command descriptions.</summary>
    public const string LayeringHelp =
        "Settings come from the built-in defaults (HOCON.conf, each key documented there), then --config FILE, " +
        "then -D path=value overrides, in increasing priority; ${?VAR} defaults read environment variables " +
        "(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, STRESSVM_TELEMETRY_ENABLED).";

    /// <summary><c>--config FILE</c>: a HOCON file layered over the defaults.</summary>
    public static Option<string?> ConfigFile { get; } = new("--config")
    {
        Description = "A HOCON configuration file layered over the built-in defaults (for example stressvm.run.seeds = 50). " +
                      "Includes in it are relative to the file.",
        HelpName = "FILE",
    };

    /// <summary><c>-D path=value</c>, repeatable; later ones win.</summary>
    public static Option<string[]> Define { get; } = new("-D")
    {
        Description = "Override one setting, highest priority; repeatable, the last wins. The value is a HOCON value: " +
                      "-D stressvm.run.seeds=7, -D stressvm.kernel.bugs.wrprotect-skip-flush=true, " +
                      "-D 'stressvm.telemetry.endpoint=\"http://jaeger:4317\"' (quote strings holding ':'). Also -Dpath=value.",
        HelpName = "path=value",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds <c>--config</c> and <c>-D</c> to a command.</summary>
    public static void AddTo(Command command)
    {
        command.Options.Add(ConfigFile);
        command.Options.Add(Define);
    }

    /// <summary>The -D overrides in command-line order.</summary>
    public static IReadOnlyList<string> Overrides(ParseResult parseResult) =>
        parseResult.GetValue(Define) ?? Array.Empty<string>();

    /// <summary>
    /// Loads the configuration (defaults, --config, -D, environment). On a <see cref="ConfigException"/> writes
    /// <c>stressvm: MESSAGE</c> to the error output, sets <paramref name="exitCode"/> to 2 and returns null.
    /// </summary>
    /// <param name="after">Overrides layered after -D (a schedule file's recorded settings), or null.</param>
    public static Config? LoadOrFail(ParseResult parseResult, out int exitCode, bool noDefaults = false,
        Func<string, string?>? environment = null, IReadOnlyList<string>? after = null)
    {
        try
        {
            var overrides = after is null ? Overrides(parseResult) : [.. Overrides(parseResult), .. after];
            var config = ConfigLoader.Load(parseResult.GetValue(ConfigFile), overrides, environment, noDefaults);
            exitCode = CliApp.ExitOk;
            return config;
        }
        catch (ConfigException e)
        {
            exitCode = Fail(parseResult, e);
            return null;
        }
    }

    /// <summary>As <see cref="LoadOrFail"/>, then binds and validates the typed settings.</summary>
    public static StressVmSettings? LoadSettingsOrFail(ParseResult parseResult, out int exitCode, IReadOnlyList<string>? after = null)
    {
        var config = LoadOrFail(parseResult, out exitCode, after: after);
        if (config is null) return null;
        try
        {
            return StressVmSettings.From(config);
        }
        catch (ConfigException e)
        {
            exitCode = Fail(parseResult, e);
            return null;
        }
    }

    /// <summary>Reports a configuration error on one line and returns exit code 2.</summary>
    public static int Fail(ParseResult parseResult, ConfigException e)
    {
        var error = parseResult.InvocationConfiguration.Error;
        error.WriteLine($"stressvm: {e.Message.ReplaceLineEndings(" ")}");
        return CliApp.ExitBadInput;
    }
}

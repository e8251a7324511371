using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using StressVm.Scenarios.Soak;
using StressVm.Scenarios.Soak.Toys;

namespace StressVm.Cli.Commands;

/// <summary>
/// `stressvm soak`: hours of exploration across cores, durable and resumable state, dedup by signature,
/// minimized schedules; and `stressvm soak report` over one or more state directories (shards).
/// </summary>
public static class SoakCommand
{
    /// <summary>
    /// Where soak and minimize get their scenarios. The toy scenarios until the kernel's scenario loader is
    /// wired in here (one line: <c>SoakCommand.Scenarios = new DelegateScenarioSource(names, name => load(name));</c>).
    /// </summary>
    public static IScenarioSource Scenarios { get; set; } = ToyScenarios.Source;

    public static Command Create()
    {
        var scenarios = new Option<string>("--scenarios") { Description = "Scenarios to run, comma-separated, or 'all'.", DefaultValueFactory = _ => "all" };
        var duration = new Option<string?>("--duration") { Description = "Wall-clock limit, e.g. 8h, 90m, 1h30m." };
        var maxSchedules = new Option<long?>("--max-schedules") { Description = "Stop after this many schedules (whichever limit comes first)." };
        var workers = new Option<int?>("--workers") { Description = "Worker threads (default: one per core)." };
        var state = new Option<string?>("--state") { Description = "State directory: journal, minimized schedules. Run again to resume." };
        var shard = new Option<string?>("--shard") { Description = "Shard I/N of the seed space (or /N with JOB_COMPLETION_INDEX); STRESSVM_SHARDS gives N." };
        var config = new Option<string?>("--config") { Description = "A HOCON file layered over HOCON.conf." };
        var defines = new Option<string[]>("-D") { Description = "Setting override path=value, e.g. -D stressvm.soak.workers=2.", AllowMultipleArgumentsPerToken = false };
        var chunk = new Option<int?>("--chunk-size") { Description = "Seeds per chunk (fixed per state directory; default 4096)." };
        var portfolio = new Option<string?>("--portfolio") { Description = "Strategies spread over seeds, e.g. random,pct:1,pct:2,pct:3 (fixed per state directory)." };
        var noMinimize = new Option<bool>("--no-minimize") { Description = "Do not minimize new failures." };
        var interval = new Option<string?>("--progress-interval") { Description = "Log line interval when output is redirected (default 30s)." };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines even on a terminal." };

        var cmd = new Command("soak", "Run seeds for hours across cores; resumable state; distinct bugs with replay commands.")
        {
            scenarios, duration, maxSchedules, workers, state, shard, config, defines, chunk, portfolio, noMinimize, interval, plain,
        };
        cmd.Subcommands.Add(CreateReport());
        cmd.SetAction(parse =>
        {
            SoakOptions options;
            TimeSpan progressEvery;
            try
            {
                var settings = SoakSettingsOverrides.From(parse.GetValue(config), parse.GetValue(defines) ?? []);
                string? durationText = parse.GetValue(duration) ?? settings.Duration;
                string? intervalText = parse.GetValue(interval) ?? settings.ProgressInterval;
                progressEvery = intervalText is null ? TimeSpan.FromSeconds(30) : DurationText.Parse(intervalText);
                options = new SoakOptions
                {
                    Scenarios = SplitNames(parse.GetValue(scenarios)),
                    Duration = durationText is null ? null : DurationText.Parse(durationText),
                    MaxSchedules = parse.GetValue(maxSchedules) ?? settings.MaxSchedules,
                    Workers = parse.GetValue(workers) ?? settings.Workers ?? Environment.ProcessorCount,
                    StateDirectory = parse.GetValue(state) ?? settings.StateDirectory ?? "soak-state",
                    Shard = ShardSpec.Resolve(parse.GetValue(shard), Environment.GetEnvironmentVariable),
                    ChunkSize = parse.GetValue(chunk) ?? 4096,
                    Portfolio = parse.GetValue(portfolio) is { } p ? StrategyPortfolio.Parse(p) : StrategyPortfolio.Default,
                    Minimize = !parse.GetValue(noMinimize),
                };
                options.Validate();
                if (options.Duration is null && options.MaxSchedules is null)
                    Console.Error.WriteLine("stressvm soak: no --duration or --max-schedules: running until Ctrl-C");
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"stressvm soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            return SoakSession.Run(Scenarios, options, progressEvery, live: !parse.GetValue(plain) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);
        });
        return cmd;
    }

    private static Command CreateReport()
    {
        var states = new Option<string[]>("--state") { Description = "State directories to merge (one per shard).", AllowMultipleArgumentsPerToken = true, Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"schedules\": n, \"failures\": [...]} as JSON." };
        var cmd = new Command("report", "Print the distinct failures of one or more soak state directories, with replay commands.") { states, json };
        cmd.SetAction(parse =>
        {
            SoakReport report;
            try
            {
                report = SoakReport.FromDirectories(parse.GetValue(states) ?? [], w => Console.Error.WriteLine($"stressvm soak report: warning: {w}"), Scenarios.ReplayCommand);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"stressvm soak report: {e.Message}");
                return CliApp.ExitBadInput;
            }
            Console.Out.Write(parse.GetValue(json) ? report.ToJson() + "\n" : report.ToText());
            return report.Failures.Count > 0 ? CliApp.ExitBugFound : CliApp.ExitOk;
        });
        return cmd;
    }

    private static IReadOnlyList<string> SplitNames(string? text) =>
        (text ?? "all").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// The soak's settings from --config and -D until the typed settings (StressVmSettings.Soak) are wired:
/// reads -D stressvm.soak.{duration, workers, state-directory, progress-interval, max-schedules}.
/// </summary>
internal sealed record SoakSettingsOverrides(string? Duration, int? Workers, string? StateDirectory, string? ProgressInterval, long? MaxSchedules)
{
    public static SoakSettingsOverrides From(string? configFile, IReadOnlyList<string> defines)
    {
        if (configFile is not null && !File.Exists(configFile)) throw new ArgumentException($"config file {configFile} not found");
        if (configFile is not null) Console.Error.WriteLine($"stressvm soak: note: {configFile} is read once the HOCON settings are wired; -D overrides apply");
        string? duration = null, state = null, interval = null;
        int? workers = null;
        long? max = null;
        foreach (var d in defines)
        {
            int eq = d.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"bad -D '{d}': expected path=value");
            string key = d[..eq].Trim(), value = d[(eq + 1)..].Trim().Trim('"');
            switch (key)
            {
                case "stressvm.soak.duration": duration = value; break;
                case "stressvm.soak.state-directory": state = value; break;
                case "stressvm.soak.progress-interval": interval = value; break;
                case "stressvm.soak.workers": workers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "stressvm.soak.max-schedules": max = long.Parse(value, CultureInfo.InvariantCulture); break;
                default:
                    if (key.StartsWith("stressvm.soak.", StringComparison.Ordinal)) throw new ArgumentException($"unknown setting '{key}'");
                    break;
            }
        }
        return new SoakSettingsOverrides(duration, workers, state, interval, max);
    }
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using StressVm.Cli.Common;
using StressVm.Scenarios.Soak;

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
    public static IScenarioSource Scenarios { get; set; } = KernelScenarioSource.Create(new Scenarios.RunSettings());

    public static Command Create()
    {
        var scenarios = new Option<string>("--scenarios") { Description = "Scenarios to run, comma-separated, or 'all'.", DefaultValueFactory = _ => "all" };
        var duration = new Option<string?>("--duration") { Description = "Wall-clock limit, e.g. 8h, 90m, 1h30m, at least 1s (default: stressvm.soak.duration)." }.DurationAtLeast(TimeSpan.FromSeconds(1));
        var maxSchedules = new Option<long?>("--max-schedules") { Description = "Stop after this many schedules, >= 1 (whichever limit comes first)." }.AtLeast(1);
        var workers = new Option<int?>("--workers") { Description = "Worker threads, >= 1 (default: stressvm.soak.workers; 0 there = one per core); " +
            "with --listen 0 is allowed: the coordinator node then only coordinates, worker nodes run the chunks." }.AtLeast(0);
        var state = new Option<string?>("--state") { Description = "State directory: journal, minimized schedules; run again to resume (default: stressvm.soak.state-directory)." };
        var shard = new Option<string?>("--shard") { Description = "Shard I/N of the seed space (or /N with JOB_COMPLETION_INDEX); STRESSVM_SHARDS gives N." };
        var chunk = new Option<int?>("--chunk-size") { Description = "Seeds per chunk, >= 1 (fixed per state directory; default 4096)." }.AtLeast(1);
        var portfolio = new Option<string?>("--portfolio") { Description = "Strategies spread over seeds, e.g. random,pct:1,pct:2,pct:3 (fixed per state directory)." };
        var noMinimize = new Option<bool>("--no-minimize") { Description = "Do not minimize new failures." };
        var noCoverage = new Option<bool>("--no-coverage") { Description = "Do not track interleaving classes and conflicting pairs (each run's partial order costs some schedules/s); as -D stressvm.run.coverage=false." };
        var interval = new Option<string?>("--progress-interval") { Description = "Log line interval when output is redirected (default: stressvm.soak.progress-interval). " +
            "At least 1s: a line costs a write and a CI log keeps every one (0s once wrote 594,486 lines in 3 s), and a person reads no faster." }
            .DurationAtLeast(StressVm.Config.StressVmSettings.MinProgressInterval, " (one line a second is already more than a log reader can follow)");
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines even on a terminal." };
        var listen = new Option<string?>("--listen")
        {
            Description = "Run the coordinator node of a campaign across machines, listening on HOST:PORT (127.0.0.1:4053 stays on this machine; " +
                "0.0.0.0 or a hostname lets others in); worker nodes join with 'stressvm soak join HOST:PORT'. --workers may be 0 here.",
        };

        var cmd = new Command("soak", "Run seeds for hours across cores; resumable state; distinct bugs with replay commands. " +
            "Ctrl-C or SIGTERM stops cleanly (in-flight simulations finish, state is flushed, summary printed). Exit code as `soak report`'s: " +
            "0 when every failure was expected and every expected bug found, 1 otherwise, 2 bad input, 3 internal errors only.")
        {
            scenarios, duration, maxSchedules, workers, state, shard, chunk, portfolio, noMinimize, noCoverage, interval, plain, listen,
        };
        // 0 workers: a coordinator node that leaves every chunk to the worker nodes; alone it would run nothing.
        cmd.Validators.Add(r =>
        {
            // The option's token, not GetValue: that throws on the option's own range error (-1), reported already.
            if (r.GetResult(workers) is { Tokens: [var t] } && int.TryParse(t.Value, out int n) && n == 0 && r.GetResult(listen) is null)
                r.AddError("--workers: expected an integer >= 1, got '0' (0 only with --listen, where worker nodes run the chunks)");
        });
        ConfigOptions.AddTo(cmd);
        var tel = new TelemetryCliOptions();
        cmd.Options.Add(tel.OtlpEndpoint);
        cmd.Options.Add(tel.OtlpProtocol);
        cmd.Subcommands.Add(CreateReport());
        cmd.Subcommands.Add(SoakJoinCommand.Create());
        cmd.SetAction(parse =>
        {
            // Command-line options win over the settings (HOCON.conf, --config, -D stressvm.soak.*).
            var settings = ConfigOptions.LoadSettingsOrFail(parse, out int configExit);
            if (settings is null) return configExit;
            // The user's knob overrides and step budget apply to every scenario of the soak.
            var kernel = KernelSettings.Load(parse, out configExit);
            if (kernel is null) return configExit;
            Scenarios = KernelScenarioSource.Create(kernel);
            SoakOptions options;
            TimeSpan progressEvery;
            Campaign.Cluster.Endpoint? listenAt;
            try
            {
                var soak = settings.Soak;
                progressEvery = parse.GetValue(interval) is { } i ? DurationText.Parse(i) : soak.ProgressInterval;
                options = new SoakOptions
                {
                    Scenarios = SplitNames(parse.GetValue(scenarios)),
                    Duration = parse.GetValue(duration) is { } d ? DurationText.Parse(d) : soak.Duration,
                    MaxSchedules = parse.GetValue(maxSchedules),
                    Workers = parse.GetValue(workers) ?? soak.EffectiveWorkers,
                    StateDirectory = parse.GetValue(state) ?? soak.StateDirectory,
                    Shard = ShardSpec.Resolve(parse.GetValue(shard), Environment.GetEnvironmentVariable),
                    ChunkSize = parse.GetValue(chunk) ?? 4096,
                    Portfolio = parse.GetValue(portfolio) is { } p ? StrategyPortfolio.Parse(p) : StrategyPortfolio.Default,
                    Minimize = !parse.GetValue(noMinimize),
                    Coverage = !parse.GetValue(noCoverage) && kernel.Coverage, // -D stressvm.run.coverage=false as well
                };
                options.Validate();
                listenAt = parse.GetValue(listen) is { } l ? Campaign.Cluster.Endpoint.Parse(l, "--listen") : null;
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"stressvm soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            return TelemetryFromConfig.WithSession(tel, parse, settings, replay: false, "soak",
                session => SoakSession.Run(Scenarios, options, progressEvery,
                    live: !parse.GetValue(plain) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive, session, kernel, listenAt));
        });
        return cmd;
    }

    private static Command CreateReport()
    {
        var states = new Option<string[]>("--state") { Description = "State directories to merge (one per shard).", AllowMultipleArgumentsPerToken = true, Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"schedules\": n, \"chunks\": n, \"duplicateChunks\": n, \"failures\": [{..., \"expected\": true|false}], \"unmetExpectations\": [...], \"verdict\", \"exitCode\"} as JSON." };
        var cmd = new Command("report", "Print the distinct failures of one or more soak state directories, with replay commands, and the verdict: " +
            "exit 0 when every failure is its scenario's expect and every scenario that ran found its expected bug, 1 on an unexpected " +
            "failure or a missed expectation, 2 on bad input, 3 when only internal errors are left.") { states, json };
        cmd.SetAction(parse =>
        {
            SoakReport report;
            try
            {
                report = SoakReport.FromDirectories(parse.GetValue(states) ?? [], w => Console.Error.WriteLine($"stressvm soak report: warning: {w}"),
                    Scenarios.Expectation);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"stressvm soak report: {e.Message}");
                return CliApp.ExitBadInput;
            }
            parse.InvocationConfiguration.Output.Write(parse.GetValue(json) ? report.ToJson() + "\n" : report.ToText());
            return report.ExitCode; // 0 every failure expected and every expected bug found, 1 otherwise, 3 internal errors only
        });
        return cmd;
    }

    private static IReadOnlyList<string> SplitNames(string? text) =>
        (text ?? "all").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

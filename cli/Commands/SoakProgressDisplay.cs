using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using StressVm.Campaign;
using StressVm.Campaign.Progress;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Commands;

/// <summary>
/// Runs a soak session (the campaign's actor system, <see cref="CampaignRunner"/>) and shows its progress through the
/// campaign's progress actor: a live Spectre.Console panel on a terminal, a plain line every interval in a log.
/// Ctrl-C or SIGTERM stops cleanly (in-flight simulations finish, state is flushed, the summary and the verdict are
/// printed, the verdict's exit code returned); a second one aborts.
/// </summary>
internal static class SoakSession
{
    public static int Run(IScenarioSource source, SoakOptions options, TimeSpan logEvery, bool live, Telemetry.TelemetrySession? telemetry = null,
        Scenarios.RunSettings? settings = null, Campaign.Cluster.Endpoint? listen = null)
    {
        // Ctrl-C and SIGTERM alike; the second one ends the process.
        using var stop = new Common.StopSignal(by =>
            Console.Error.WriteLine($"stressvm soak: {by}: stopping: in-flight simulations finish, state is flushed ({by} again to abort)"));
        {
            CampaignRunner runner;
            try
            {
                runner = new CampaignRunner(source, options, w => Console.Error.WriteLine($"stressvm soak: warning: {w}"), settings);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"stressvm soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            runner.Listen = listen;
            runner.Listening = m => Console.Error.WriteLine($"stressvm soak: {m}");
            if (telemetry is { Options.Enabled: true }) runner.ExportTrace = new SoakTraceExport(source, telemetry).Export;
            // Once the journal is accepted: a refused resume prints its one line only.
            runner.Opened = () => Console.Error.WriteLine(
                $"stressvm soak: {string.Join(", ", runner.Scenarios)}; {options.Workers} worker(s); shard {options.Shard}; state {Path.GetFullPath(options.StateDirectory)}");
            SoakSummary summary;
            try
            {
                summary = live ? RunLive(runner, stop.Token) : RunPlain(runner, logEvery, stop.Token);
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                Console.Error.WriteLine($"stressvm soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            return PrintSummary(summary, runner, source, options, stop.Name);
        }
    }

    private static SoakSummary RunPlain(CampaignRunner runner, TimeSpan every, CancellationToken cancel)
    {
        runner.Display = (new PlainView(), every);
        return runner.Run(cancel);
    }

    private static SoakSummary RunLive(CampaignRunner runner, CancellationToken cancel)
    {
        SoakSummary? summary = null;
        AnsiConsole.Live(new Text("stressvm soak: starting")).AutoClear(false).Start(ctx =>
        {
            runner.Display = (new LiveView(ctx), TimeSpan.FromMilliseconds(250));
            summary = runner.Run(cancel);
        });
        return summary!;
    }

    /// <summary>A log line per interval (CI, redirected output, --plain).</summary>
    private sealed class PlainView : IProgressView
    {
        public void Show(SoakProgress p) =>
            Console.Out.WriteLine($"[soak {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {p.ToLine()}");
    }

    /// <summary>The live panel; the progress actor calls it from its thread (Spectre's context locks itself).</summary>
    private sealed class LiveView(LiveDisplayContext ctx) : IProgressView
    {
        public void Show(SoakProgress p)
        {
            ctx.UpdateTarget(Panel(p));
            ctx.Refresh();
        }
    }

    private static Table Panel(SoakProgress p)
    {
        var t = new Table().Border(TableBorder.Rounded).Title("[bold]stressvm soak[/]").HideHeaders();
        t.AddColumn("what");
        t.AddColumn("value");
        t.AddRow("schedules", string.Create(CultureInfo.InvariantCulture, $"{p.Schedules:N0}  [grey]({p.TotalSchedules:N0} in the state)[/]"));
        t.AddRow("schedules/s", string.Create(CultureInfo.InvariantCulture, $"{p.SchedulesPerSecond:N0}  [grey]({p.Workers} workers)[/]"));
        t.AddRow("distinct bugs", p.DistinctFailures == 0 ? "[green]0[/]" : $"[red bold]{p.DistinctFailures}[/]");
        t.AddRow("internal errors", p.InternalErrors == 0 ? "0" : $"[yellow]{p.InternalErrors}[/]");
        t.AddRow("elapsed", p.Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        t.AddRow("time left", p.TimeLeft is { } left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "until Ctrl-C");
        if (p.Fraction is { } f)
        {
            int width = 30, done = (int)Math.Round(f * width);
            t.AddRow("progress", $"[green]{new string('━', done)}[/][grey]{new string('━', width - done)}[/] {f * 100:F0}%");
        }
        return t;
    }

    /// <summary>Prints the summary and the state's report with its verdict; returns the verdict's exit code.</summary>
    internal static int PrintSummary(SoakSummary s, CampaignRunner runner, IScenarioSource source, SoakOptions options, string? stoppedBy)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak stopped ({s.Reason}): {s.Schedules:N0} schedules in {s.Elapsed:hh\\:mm\\:ss} ({s.SchedulesPerSecond:N0}/s), " +
            $"{s.NewFailures} new distinct failure(s), {s.InternalErrors} internal error(s); {s.TotalSchedules:N0} schedules in the state"));
        if (s.UnwrittenRecords > 0) Console.Error.WriteLine($"stressvm soak: {s.UnwrittenRecords} state record(s) could not be written");
        if (runner.Exports is { Dropped: > 0 } x) Console.Error.WriteLine($"stressvm soak: {x.Dropped} trace export(s) dropped (queue full)");
        string? stoppedEarly = s.Reason switch
        {
            SoakStopReason.Cancelled => ExpectationVerdictText(s, options, stoppedBy ?? "cancelled"),
            SoakStopReason.WorkerFailed => ExpectationVerdictText(s, options, "a worker failed"),
            _ => null,
        };
        if (runner.CurrentState is not { } state) return CliApp.ExitInternalError;
        var report = SoakReport.FromStates([state], source.Expectation, stoppedEarly);
        Console.Out.Write(report.ToText());
        if (s.Reason == SoakStopReason.WorkerFailed && report.ExitCode == CliApp.ExitOk) return CliApp.ExitInternalError;
        return report.ExitCode;
    }

    private static string ExpectationVerdictText(SoakSummary s, SoakOptions options, string why) =>
        StressVm.Scenarios.ExpectationVerdict.StoppedAfter(s.Schedules, options.MaxSchedules, why);
}

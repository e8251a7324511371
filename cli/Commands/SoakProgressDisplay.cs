using System.Globalization;
using Spectre.Console;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Commands;

/// <summary>
/// Runs a soak session on its own thread and shows its progress: a live Spectre.Console panel on a
/// terminal, a plain line every interval in a log. Ctrl-C or SIGTERM stops cleanly (in-flight simulations finish,
/// state is flushed, the summary and the verdict are printed, the verdict's exit code returned); a second one aborts.
/// </summary>
internal static class SoakSession
{
    public static int Run(IScenarioSource source, SoakOptions options, TimeSpan logEvery, bool live, Telemetry.TelemetrySession? telemetry = null)
    {
        // Ctrl-C and SIGTERM alike; the second one ends the process.
        using var stop = new Common.StopSignal(by =>
            Console.Error.WriteLine($"stressvm soak: {by}: stopping: in-flight simulations finish, state is flushed ({by} again to abort)"));
        {
            SoakRunner runner;
            try
            {
                runner = new SoakRunner(source, options, w => Console.Error.WriteLine($"stressvm soak: warning: {w}"));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"stressvm soak: {e.Message}");
                return CliApp.ExitBadInput;
            }
            var exports = new System.Collections.Concurrent.ConcurrentQueue<FailureFound>();
            if (telemetry is { Options.Enabled: true }) runner.NewFailure = exports.Enqueue;
            SoakSummary? summary = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try { summary = runner.Run(stop.Token); }
                catch (Exception e) { failure = e; }
            }) { Name = "soak" };
            Console.Error.WriteLine(
                $"stressvm soak: {string.Join(", ", runner.Scenarios)}; {options.Workers} worker(s); shard {options.Shard}; state {Path.GetFullPath(options.StateDirectory)}");
            thread.Start();
            if (live) ShowLive(runner, thread);
            else ShowPlain(runner, thread, logEvery);
            thread.Join();
            if (failure is not null)
            {
                Console.Error.WriteLine($"stressvm soak: {failure.Message}");
                return failure is ArgumentException or IOException ? CliApp.ExitBadInput : CliApp.ExitInternalError;
            }
            if (telemetry is not null) SoakTraceExport.Export(source, exports, telemetry);
            return PrintSummary(summary!, runner, source, options, stop.Name);
        }
    }

    private static void ShowPlain(SoakRunner runner, Thread thread, TimeSpan every)
    {
        while (!thread.Join(every))
            Console.Out.WriteLine($"[soak {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {runner.Progress().ToLine()}");
    }

    private static void ShowLive(SoakRunner runner, Thread thread)
    {
        AnsiConsole.Live(Panel(runner.Progress())).AutoClear(false).Start(ctx =>
        {
            while (!thread.Join(250))
            {
                ctx.UpdateTarget(Panel(runner.Progress()));
                ctx.Refresh();
            }
            ctx.UpdateTarget(Panel(runner.Progress()));
        });
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
    private static int PrintSummary(SoakSummary s, SoakRunner runner, IScenarioSource source, SoakOptions options, string? stoppedBy)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak stopped ({s.Reason}): {s.Schedules:N0} schedules in {s.Elapsed:hh\\:mm\\:ss} ({s.SchedulesPerSecond:N0}/s), " +
            $"{s.NewFailures} new distinct failure(s), {s.InternalErrors} internal error(s); {s.TotalSchedules:N0} schedules in the state"));
        if (s.UnwrittenRecords > 0) Console.Error.WriteLine($"stressvm soak: {s.UnwrittenRecords} state record(s) could not be written");
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

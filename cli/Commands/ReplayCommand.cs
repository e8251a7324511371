using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StressVm.Cli.Common;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>
/// <c>stressvm replay &lt;scenario&gt; --seed S | --schedule FILE</c>: re-runs one schedule with tracing on and
/// prints the interleaving as one column per actor, time down the page, then the verdict and fingerprint.
/// The output is identical on every replay.
/// </summary>
public static class ReplayCommand
{
    private const int Col = 24;

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "A built-in scenario's name or a .conf file" };
        var seed = new Option<ulong?>("--seed") { Description = "The seed to replay" };
        var schedule = new Option<string?>("--schedule") { Description = "A schedule file written by run --save-schedule" };
        var strategy = new Option<string?>("--strategy") { Description = "random or pct: the strategy the seed was run with (default stressvm.run.strategy)" };
        var pctDepth = new Option<int?>("--pct-depth") { Description = "PCT depth the seed was run with (default 3)" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Step budget (default 10000)" };
        var pctSteps = new Option<int?>("--pct-steps") { Description = "PCT's expected run length k the seed was run with (default: the scenario's pilot-run length, as run and soak use)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var html = new Option<string?>("--html") { Description = "Also write the replay as one self-contained HTML file: a column per actor, spans and lock holds as bars, the violating step highlighted, details on hover" };
        var cmd = new Command("replay",
            "Replay one seed (with the strategy options it was run with) or a schedule file, with tracing on: print the interleaving " +
            "as one column per actor, time down the page, with spans and events, then the verdict and the fingerprint. The output " +
            "is identical on every replay. --trace-out writes the trace for Jaeger's UI; --otlp-endpoint sends it to a collector. " +
            "Exit code 1 when the run violates an invariant, 0 when not, 2 when the schedule does not fit the scenario.");
        cmd.Arguments.Add(scenario);
        foreach (var o in new Option[] { seed, schedule, strategy, pctDepth, pctSteps, maxSteps, json, html }) cmd.Options.Add(o);
        ConfigOptions.AddTo(cmd);
        var tel = new TelemetryCliOptions();
        tel.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var loaded = KernelSettings.Load(parse, out int code);
            if (loaded is null) return code;
            var s = loaded;
            try
            {
                var spec = ScenarioCatalog.Load(parse.GetValue(scenario)!);
                s = s with
                {
                    Strategy = parse.GetValue(strategy) ?? s.Strategy,
                    PctDepth = parse.GetValue(pctDepth) ?? s.PctDepth,
                    PctSteps = parse.GetValue(pctSteps),
                    MaxSteps = parse.GetValue(maxSteps) ?? s.MaxSteps,
                };
                if (s.PctSteps is < 1) throw new ArgumentException("--pct-steps must be positive");
                string? file = parse.GetValue(schedule);
                ulong? sd = parse.GetValue(seed);
                if ((file is null) == (sd is null)) throw new ArgumentException("give exactly one of --seed S or --schedule FILE");
                Schedule? sched = null;
                if (file is not null)
                {
                    if (!File.Exists(file)) throw new FileNotFoundException($"schedule file not found: {file}");
                    sched = Schedule.Load(file);
                    sd = ulong.Parse(sched.Get("seed") ?? "0", CultureInfo.InvariantCulture);
                    // A schedule written by run names every knob; one from soak/minimize keeps the scenario's pins.
                    if (sched.Get("knobs") is { } knobs) s = s with { KnobOverrides = ScenarioRunner.KnobsFromHeader(knobs) };
                    if (sched.Get("mailbox-order") is { } order)
                        s = s with { MailboxOrder = order == "per-sender" ? Runtime.MailboxOrder.PerSender : Runtime.MailboxOrder.PerActor };
                    if (sched.Get("settings") is { } st) s = s with { SettingOverrides = ScenarioRunner.SettingsFromHeader(st) };
                    if (sched.Get("max-steps") is { } ms) s = s with { MaxSteps = int.Parse(ms, CultureInfo.InvariantCulture) };
                }
                if (!StrategySpec.Kinds.Contains(s.Strategy)) throw new ArgumentException($"unknown strategy '{s.Strategy}'; expected random or pct");
                var settings = ConfigOptions.LoadSettingsOrFail(parse, out code);
                if (settings is null) return code;
                return TelemetryFromConfig.WithSession(tel, parse, settings, replay: true, "replay",
                    session => Replay(spec, s, sd!.Value, sched, parse.GetValue(json), session, tel.TraceOutPath(parse), file, parse.GetValue(html)));
            }
            catch (Exception e) when (e is ScenarioException or FileNotFoundException or ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"stressvm replay: {e.Message}");
                return CliApp.ExitBadInput;
            }
        });
        return cmd;
    }

    private static int Replay(ScenarioSpec spec, Scenarios.RunSettings s, ulong seed, Schedule? sched, bool json,
        Telemetry.TelemetrySession session, string? traceOut, string? scheduleFile, string? htmlFile = null)
    {
        var model = ScenarioRunner.BuildModel(spec, s, recordTrace: true);
        // A minimized schedule may also leave program operations out: apply them as the minimizer did.
        if (sched?.Get(ScheduleMinimizer.DroppedOperationsKey) is { } dropped)
            model.DroppedOperations = new HashSet<int>(ScheduleMinimizer.ParseDropped(dropped));
        ISchedulingStrategy strategy = sched is null
            ? ScenarioRunner.Strategy(model, s)
            : new ReplayStrategy(sched, strict: true, model.System.NameOf);
        var r = Explorer.RunOne(model, strategy, seed);
        var trace = model.System.Trace;
        string? finding = ScenarioRunner.FindingName(r);
        if (htmlFile is not null)
        {
            string page = Html.ReplayHtml.Render($"{spec.Name}: {r.Outcome}{(finding is null ? "" : $" ({finding})")}",
                $"seed {seed}, strategy {strategy.Name}, knobs {model.Knobs}, {r.Steps} steps, fingerprint {r.Fingerprint:x16}",
                r, trace, model.System.RecordedSchedule(), model.System.NameOf);
            File.WriteAllText(htmlFile, page);
            if (!json) Console.Error.WriteLine($"stressvm replay: wrote {htmlFile}");
        }
        if (json) WriteJson(spec, model, strategy, r, finding);
        else WriteColumns(spec, model, strategy, r, finding);
        string command = scheduleFile is not null
            ? $"stressvm replay {ScenarioCatalog.CommandLineName(spec)} --schedule {scheduleFile}"
            : $"stressvm replay {ScenarioCatalog.CommandLineName(spec)} --seed {seed} --strategy {s.Strategy}{(s.Strategy == "pct" ? $" --pct-depth {s.PctDepth}" : "")}";
        if (TelemetryCliOptions.ExportRun(session, spec.Name, strategy.Name, r, trace, command, traceOut, Console.Error) != 0)
            return CliApp.ExitBadInput;
        if (session.Options.Enabled && !json)
            Console.WriteLine($"trace id     {TelemetryCliOptions.TraceIdOf(spec.Name, seed)}");
        if (r.Outcome is Outcome.InternalError) return CliApp.ExitInternalError;
        if (r.Outcome is Outcome.ReplayDiverged) return CliApp.ExitBadInput; // the schedule does not fit this scenario
        return r.IsBug ? CliApp.ExitBugFound : CliApp.ExitOk;
    }

    private static void WriteColumns(ScenarioSpec spec, KernelModel model, ISchedulingStrategy strategy, RunResult r, string? finding)
    {
        var sys = model.System;
        var trace = sys.Trace;
        var actors = new List<int>();
        foreach (var st in trace.Steps) if (!actors.Contains(st.Actor)) actors.Add(st.Actor);
        actors.Sort();
        var col = new Dictionary<int, int>();
        for (int i = 0; i < actors.Count; i++) col[actors[i]] = i;
        Console.WriteLine($"scenario {spec.Name}   seed {r.Seed}   strategy {strategy.Name}   knobs {model.Knobs}");
        var sb = new StringBuilder("  step ");
        foreach (var a in actors) sb.Append("| ").Append(Fit(sys.NameOf(a))).Append(' ');
        Console.WriteLine(sb.ToString().TrimEnd());
        Console.WriteLine(new string('-', sb.Length));
        var marks = trace.Marks;
        int m = 0;
        foreach (var st in trace.Steps)
        {
            string text = st.Kind switch
            {
                EnvelopeKind.Reply => $"<- {st.Message} ({trace.ActorName(st.Sender)})",
                EnvelopeKind.Interrupt => $"irq {st.Message}",
                _ => st.Sender == st.Actor ? st.Message.ToString()! : $"{st.Message} <- {trace.ActorName(st.Sender)}",
            };
            Console.WriteLine(Row(st.Index.ToString(CultureInfo.InvariantCulture), col[st.Actor], actors.Count, text));
            while (m < marks.Length && marks[m].Step <= st.Index)
            {
                var mk = marks[m++];
                if (mk.Actor < 0 || !col.ContainsKey(mk.Actor)) continue;
                string kind = mk.Kind switch { MarkKind.SpanBegin => "[ ", MarkKind.SpanEnd => "] ", MarkKind.Error => "!! ", _ => ". " };
                Console.WriteLine(Row("", col[mk.Actor], actors.Count, kind + mk.Name + (mk.Detail is null ? "" : " " + mk.Detail)));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"outcome      {r.Outcome}{(finding is null ? "" : $": {finding}")}");
        if (r.Violation is not null) Console.WriteLine($"violation    {r.Violation}");
        if (r.Deadlock is not null) Console.WriteLine($"deadlock     {r.Deadlock}");
        if (r.Error is not null) Console.WriteLine($"error        {r.Error}");
        Console.WriteLine($"steps        {r.Steps}");
        Console.WriteLine($"fingerprint  {r.Fingerprint:x16}");
    }

    private static string Fit(string s) => s.Length > Col ? s[..(Col - 1)] + "~" : s.PadRight(Col);

    private static string Row(string step, int column, int columns, string text)
    {
        var sb = new StringBuilder(step.PadLeft(6)).Append(' ');
        for (int i = 0; i < columns; i++)
            sb.Append("| ").Append(i == column ? Fit(text) : new string(' ', Col)).Append(' ');
        return sb.ToString().TrimEnd();
    }

    private static void WriteJson(ScenarioSpec spec, KernelModel model, ISchedulingStrategy strategy, RunResult r, string? finding)
    {
        var trace = model.System.Trace;
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("scenario", spec.Name);
        w.WriteNumber("seed", r.Seed);
        w.WriteString("strategy", strategy.Name);
        w.WriteString("knobs", model.Knobs.ToString());
        w.WriteNumber("schedules", 1);
        w.WriteString("outcome", r.Outcome.ToString());
        w.WriteNumber("steps", r.Steps);
        w.WriteString("fingerprint", r.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        w.WriteStartArray("violations");
        if (r.IsBug)
        {
            w.WriteStartObject();
            w.WriteString("invariant", finding);
            w.WriteNumber("seed", r.Seed);
            w.WriteNumber("step", r.Violation?.Step ?? r.Steps);
            w.WriteString("actor", r.Violation?.Actor ?? "");
            w.WriteString("detail", r.Violation?.Detail ?? r.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("trace");
        foreach (var st in trace.Steps)
        {
            w.WriteStartObject();
            w.WriteNumber("step", st.Index);
            w.WriteString("actor", trace.ActorName(st.Actor));
            w.WriteString("from", trace.ActorName(st.Sender));
            w.WriteString("kind", st.Kind.ToString().ToLowerInvariant());
            w.WriteString("message", st.Message.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Console.WriteLine();
    }
}

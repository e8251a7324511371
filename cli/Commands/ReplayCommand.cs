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
        var schedule = new Option<string?>("--schedule") { Description = "A schedule file (run --save-schedule, minimize, soak): its header carries the recipe" };
        var strategy = new StrategyOptions();
        var maxSteps = new Option<int?>("--max-steps") { Description = "Step budget (default stressvm.run.max-steps)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var cmd = new Command("replay",
            "Replay one seed (with the strategy and settings it was run with, as the printed replay command gives them) or a " +
            "schedule file, with tracing on: print the interleaving as one column per actor, time down the page, with spans and " +
            "events, then the verdict and the fingerprint. The output is identical on every replay. --trace-out writes the trace " +
            "for Jaeger's UI; --otlp-endpoint sends it to a collector. Exit code 1 when the run violates an invariant, 0 when " +
            "not, 2 when the schedule does not fit the scenario.");
        cmd.Arguments.Add(scenario);
        cmd.Options.Add(seed);
        cmd.Options.Add(schedule);
        strategy.AddTo(cmd);
        cmd.Options.Add(maxSteps);
        cmd.Options.Add(json);
        ConfigOptions.AddTo(cmd);
        var tel = new TelemetryCliOptions();
        tel.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var err = parse.InvocationConfiguration.Error;
            var input = RunInputs.Load(parse, "replay", parse.GetValue(scenario)!, parse.GetValue(seed), parse.GetValue(schedule), strategy, out int code);
            if (input is null) return code;
            if (parse.GetValue(maxSteps) is { } ms)
            {
                if (input.Schedule is not null)
                {
                    err.WriteLine("stressvm replay: --max-steps goes with --seed; a schedule file carries its own step budget");
                    return CliApp.ExitBadInput;
                }
                input = input with { Settings = input.Settings with { MaxSteps = ms } };
            }
            if (input.Settings.MaxSteps < 1)
            {
                err.WriteLine($"stressvm replay: --max-steps must be at least 1, found {input.Settings.MaxSteps}");
                return CliApp.ExitBadInput;
            }
            string? traceOut = tel.TraceOutPath(parse);
            if (traceOut is not null && OutputFiles.CheckFile(traceOut) is { } bad)
            {
                err.WriteLine($"stressvm replay: --trace-out: {bad}");
                return CliApp.ExitBadInput;
            }
            var settings = ConfigOptions.LoadSettingsOrFail(parse, out code);
            if (settings is null) return code;
            var o = parse.InvocationConfiguration.Output;
            return TelemetryFromConfig.WithSession(tel, parse, settings, replay: true, "replay",
                session => Replay(input, parse.GetValue(json), session, traceOut, o, err));
        });
        return cmd;
    }

    private static int Replay(RunInput input, bool json, Telemetry.TelemetrySession session, string? traceOut, TextWriter o, TextWriter err)
    {
        var spec = input.Spec;
        var model = ScenarioRunner.BuildModel(spec, input.Settings, recordTrace: true);
        if (!RunInputs.CheckActors(input, model, "replay", err)) return CliApp.ExitBadInput;
        var sched = input.Schedule;
        // A minimized schedule may also leave program operations out: apply them as the minimizer did.
        if (sched?.Get(ScheduleMinimizer.DroppedOperationsKey) is { } dropped)
            model.DroppedOperations = new HashSet<int>(ScheduleMinimizer.ParseDropped(dropped));
        var strategySpec = input.Recorded?.Strategy ?? ScenarioRunner.ResolveStrategy(model, input.Settings);
        var recipe = Recipes.For(model, input.Settings, strategySpec, input.Seed);
        var replayer = sched is null ? null : new ReplayStrategy(sched, strict: true, model.System.NameOf);
        ISchedulingStrategy strategy = replayer ?? strategySpec.Create();
        var r = Explorer.RunOne(model, strategy, input.Seed);
        if (replayer?.Leftover(r) is { } leftover)
            r = r with { Outcome = Outcome.ReplayDiverged, Error = leftover, Violation = null, Deadlock = null };
        string? finding = ScenarioRunner.FindingName(r);
        string command = sched is null ? recipe.ReplayCommand() : Recipe.ScheduleReplayCommand(ScenarioCatalog.CommandLineName(spec), input.ScheduleFile!);
        if (json) WriteJson(spec, model, recipe, r, finding, command, o);
        else WriteColumns(spec, model, recipe, r, finding, o);
        if (TelemetryCliOptions.ExportRun(session, spec.Name, recipe, r, model.System.Trace, traceOut, err, command) != 0)
            return CliApp.ExitBadInput;
        if (session.Options.Enabled && !json)
            o.WriteLine($"trace id     {TelemetryCliOptions.TraceIdOf(recipe)}");
        if (r.Outcome is Outcome.InternalError) return CliApp.ExitInternalError;
        if (r.Outcome is Outcome.ReplayDiverged)
        {
            err.WriteLine($"stressvm replay: {input.ScheduleFile ?? "the run"} does not replay: {r.Error}");
            return CliApp.ExitBadInput; // the schedule does not fit this scenario
        }
        return r.IsBug ? CliApp.ExitBugFound : CliApp.ExitOk;
    }

    private static void WriteColumns(ScenarioSpec spec, KernelModel model, Recipe recipe, RunResult r, string? finding, TextWriter o)
    {
        var sys = model.System;
        var trace = sys.Trace;
        var actors = new List<int>();
        foreach (var st in trace.Steps) if (!actors.Contains(st.Actor)) actors.Add(st.Actor);
        actors.Sort();
        var col = new Dictionary<int, int>();
        for (int i = 0; i < actors.Count; i++) col[actors[i]] = i;
        o.WriteLine($"scenario {spec.Name}   seed {r.Seed}   strategy {recipe.Strategy.Text}   knobs {model.Knobs}{(recipe.Settings.Count == 0 ? "" : "   settings " + string.Join(" ", recipe.Settings))}{(recipe.Swarm is null ? "" : "   swarm " + recipe.Swarm)}");
        var sb = new StringBuilder("  step ");
        foreach (var a in actors) sb.Append("| ").Append(Fit(sys.NameOf(a))).Append(' ');
        o.WriteLine(sb.ToString().TrimEnd());
        o.WriteLine(new string('-', sb.Length));
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
            o.WriteLine(Row(st.Index.ToString(CultureInfo.InvariantCulture), col[st.Actor], actors.Count, text));
            while (m < marks.Length && marks[m].Step <= st.Index)
            {
                var mk = marks[m++];
                if (mk.Actor < 0 || !col.ContainsKey(mk.Actor)) continue;
                string kind = mk.Kind switch { MarkKind.SpanBegin => "[ ", MarkKind.SpanEnd => "] ", MarkKind.Error => "!! ", _ => ". " };
                o.WriteLine(Row("", col[mk.Actor], actors.Count, kind + mk.Name + (mk.Detail is null ? "" : " " + mk.Detail)));
            }
        }
        o.WriteLine();
        o.WriteLine($"outcome      {r.Outcome}{(finding is null ? "" : $": {finding}")}");
        if (r.Violation is not null) o.WriteLine($"violation    {r.Violation}");
        if (r.Deadlock is not null) o.WriteLine($"deadlock     {r.Deadlock}");
        if (r.Error is not null) o.WriteLine($"error        {r.Error}");
        o.WriteLine($"steps        {r.Steps}");
        o.WriteLine($"fingerprint  {r.Fingerprint:x16}");
    }

    private static string Fit(string s) => s.Length > Col ? s[..(Col - 1)] + "~" : s.PadRight(Col);

    private static string Row(string step, int column, int columns, string text)
    {
        var sb = new StringBuilder(step.PadLeft(6)).Append(' ');
        for (int i = 0; i < columns; i++)
            sb.Append("| ").Append(i == column ? Fit(text) : new string(' ', Col)).Append(' ');
        return sb.ToString().TrimEnd();
    }

    private static void WriteJson(ScenarioSpec spec, KernelModel model, Recipe recipe, RunResult r, string? finding, string command, TextWriter o)
    {
        var trace = model.System.Trace;
        var buffer = new MemoryStream();
        using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("scenario", spec.Name);
        w.WriteNumber("seed", r.Seed);
        w.WriteString("strategy", recipe.Strategy.Text);
        w.WriteString("knobs", model.Knobs.ToString());
        w.WriteString("replay", command);
        w.WriteString("recipe", recipe.ToText());
        if (recipe.Swarm is not null) w.WriteString("swarm", recipe.Swarm);
        w.WriteNumber("schedules", 1);
        w.WriteString("outcome", r.Outcome.ToString());
        if (r.Error is not null) w.WriteString("error", r.Error);
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
        o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

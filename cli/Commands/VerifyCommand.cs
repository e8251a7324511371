using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StressVm.Cli.Common;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>
/// <c>stressvm verify &lt;scenario&gt;</c>: every interleaving class of a litmus scenario once (dynamic partial-order
/// reduction), within bounds. Exit 0 when exhaustive and clean, 1 on a violation, 4 when a bound stopped the search
/// before it was exhaustive (nothing found so far), 2 bad input, 3 an internal error.
/// </summary>
public static class VerifyCommand
{
    /// <summary>A bound (classes, steps, preemptions, time) stopped the search first: clean so far, not proved.</summary>
    public const int ExitBoundReached = 4;

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "A built-in scenario's name or a .conf file (not a swarm scenario: its program comes from the seed)" };
        var maxPreemptions = new Option<int?>("--max-preemptions") { Description = "Preemption bound: at most N switches away from a CPU that could go on (default: unbounded)" }.AtLeast(0);
        var maxSteps = new Option<int?>("--max-steps") { Description = "Steps per schedule (default stressvm.run.max-steps); a schedule cut there is a branch left unexplored" }.AtLeast(1);
        var maxClasses = new Option<long?>("--max-classes") { Description = "Stop after N distinct interleaving classes (default 100000)" }.AtLeast(1);
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Stop after this much time (default 600)" };
        var naive = new Option<bool>("--naive") { Description = "Enumerate every interleaving, without the reduction (the reference it is measured against)" };
        var save = new Option<string?>("--save-schedule") { Description = "Directory for each violation's schedule file (default: the current directory)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the summary" };
        var cmd = new Command("verify",
            "Explore every interleaving class of a scenario once, within bounds: dynamic partial-order reduction (source sets and " +
            "sleep sets) over the model's steps, every value a model draws enumerated. Two steps of different actors commute unless " +
            "they touch one resource (an actor's mailbox, a lock, the kernel model's memory, which every kernel-code step touches, or anything for a step that declares nothing). Prints the classes " +
            "explored, the schedules executed, whether the search was exhaustive within its bounds, each violation with its schedule " +
            "file and replay command, and the time. Exit code 0: exhaustive and clean; 1: a violation; 4: a bound (--max-classes, " +
            "--max-steps, --max-preemptions, --max-seconds) stopped the search before it was exhaustive, nothing found; 2: bad input; " +
            "3: the model itself threw.");
        cmd.Arguments.Add(scenario);
        foreach (var o in new Option[] { maxPreemptions, maxSteps, maxClasses, maxSeconds, naive, save, json }) cmd.Options.Add(o);
        ConfigOptions.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var err = parse.InvocationConfiguration.Error;
            var loaded = KernelSettings.Load(parse, out int code);
            if (loaded is null) return code;
            var s = loaded;
            ScenarioSpec spec;
            DporOptions options;
            double seconds;
            try
            {
                spec = ScenarioCatalog.Load(parse.GetValue(scenario)!);
                if (spec.Swarm is not null)
                    throw new ArgumentException($"{spec.Name} is a swarm scenario (each seed draws its program): verify takes a litmus scenario with fixed programs");
                s = s with { MaxSteps = parse.GetValue(maxSteps) ?? s.MaxSteps };
                options = new DporOptions
                {
                    Reduction = !parse.GetValue(naive),
                    MaxPreemptions = parse.GetValue(maxPreemptions),
                    MaxClasses = parse.GetValue(maxClasses) ?? 100_000,
                };
                seconds = parse.GetValue(maxSeconds) ?? 600;
                if (s.MaxSteps < 1 || options.MaxClasses < 1 || options.MaxPreemptions is < 0 || seconds <= 0)
                    throw new ArgumentException("--max-steps, --max-classes and --max-seconds must be positive, --max-preemptions at least 0");
            }
            catch (Exception e) when (e is ScenarioException or FileNotFoundException or ArgumentException)
            {
                err.WriteLine($"stressvm verify: {e.Message}");
                return CliApp.ExitBadInput;
            }
            return Verify(spec, s, options, seconds, parse.GetValue(save) ?? ".", parse.GetValue(json), o);
        });
        return cmd;
    }

    private static int Verify(ScenarioSpec spec, RunSettings s, DporOptions options, double seconds, string saveDir, bool json, TextWriter o)
    {
        var model = ScenarioRunner.BuildModel(spec, s);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var sw = Stopwatch.StartNew();
        const ulong seed = 0; // a litmus scenario's setup does not depend on the seed; the schedule is the strategy's
        var recipe = Recipes.For(model, s, new StrategySpec.Dpor(options.Reduction, options.MaxPreemptions), seed);
        var result = DporExplorer.Verify(model, options, seed, cancel: cancel.Token,
            withHeader: sched => new Schedule(sched.Choices, recipe.ToHeader()));
        sw.Stop();
        var files = new List<(VerifyFinding Finding, string File, string Replay)>();
        foreach (var f in result.Findings)
        {
            Directory.CreateDirectory(saveDir);
            string file = Path.Combine(saveDir, $"{spec.Name}-{f.Invariant}.verify.schedule");
            f.Schedule.Save(file);
            files.Add((f, file, Recipe.ScheduleReplayCommand(ScenarioCatalog.CommandLineName(spec), file)));
        }
        string bounds = $"max-steps {s.MaxSteps}, max-classes {options.MaxClasses}, max-preemptions {(options.MaxPreemptions?.ToString(CultureInfo.InvariantCulture) ?? "none")}, max-seconds {seconds.ToString(CultureInfo.InvariantCulture)}";
        int exit = result.InternalErrors > 0 ? CliApp.ExitInternalError
            : result.Findings.Count > 0 ? CliApp.ExitBugFound
            : result.Exhaustive ? CliApp.ExitOk : ExitBoundReached;
        if (json)
        {
            var buffer = new MemoryStream();
            using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("scenario", spec.Name);
            w.WriteString("expect", spec.Expect);
            w.WriteString("knobs", model.Knobs.ToString());
            w.WriteString("strategy", result.Strategy);
            w.WriteString("bounds", bounds);
            w.WriteNumber("classes", result.Classes);
            w.WriteNumber("schedules", result.Schedules);
            w.WriteNumber("abandoned", result.Abandoned);
            w.WriteNumber("steps", result.Steps);
            w.WriteBoolean("exhaustive", result.Exhaustive);
            w.WriteStartArray("stoppedBy");
            foreach (var b in result.StoppedBy) w.WriteStringValue(b);
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(sw.Elapsed.TotalSeconds, 3));
            w.WriteStartArray("violations");
            foreach (var (f, file, replay) in files)
            {
                w.WriteStartObject();
                w.WriteString("invariant", f.Invariant);
                w.WriteNumber("count", f.Count);
                w.WriteNumber("firstSchedule", f.FirstSchedule);
                w.WriteString("detail", f.Detail);
                w.WriteString("schedule", file);
                w.WriteString("replay", replay);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (result.FirstInternalError is not null) w.WriteString("internalError", result.FirstInternalError);
            w.WriteNumber("exitCode", exit);
            w.WriteEndObject();
            w.Flush();
            o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            o.WriteLine($"scenario    {spec.Name} (expect {spec.Expect})");
            o.WriteLine($"knobs       {model.Knobs}");
            o.WriteLine($"search      {result.Strategy}; bounds: {bounds}");
            o.WriteLine($"classes     {result.Classes}   schedules {result.Schedules} ({result.Abandoned} ended early by sleep sets)   steps {result.Steps}");
            o.WriteLine($"exhaustive  {(result.Exhaustive ? "yes, within the bounds" : $"no: stopped by {string.Join(", ", result.StoppedBy)}")}");
            o.WriteLine($"time        {sw.Elapsed.TotalSeconds:0.00} s");
            if (result.FirstInternalError is not null) o.WriteLine($"model error {result.FirstInternalError}");
            if (files.Count == 0) o.WriteLine("violations  none");
            else
            {
                o.WriteLine("violations");
                foreach (var (f, file, replay) in files)
                {
                    o.WriteLine($"  {f.Invariant,-20} {f.Count,6}x  first at schedule {f.FirstSchedule}");
                    o.WriteLine($"      {f.Detail}");
                    o.WriteLine($"      schedule: {file}");
                    o.WriteLine($"      replay: {replay}");
                }
            }
            string verdict = exit switch
            {
                CliApp.ExitOk => "clean: no interleaving within the bounds violates anything",
                CliApp.ExitBugFound => spec.ExpectsPass ? "UNEXPECTED violation" : "violation, as expected",
                ExitBoundReached => "clean so far; a bound stopped the search (exit 4)",
                _ => "internal error (exit 3)",
            };
            o.WriteLine($"verdict     {verdict}");
        }
        return exit;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using StressVm.Cli.Common;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>
/// <c>stressvm run &lt;scenario&gt;</c>: explore many seeds of one scenario and print a summary (schedules,
/// distinct fingerprints, violations by invariant with the first failing seed, schedules/s) and the verdict
/// (<see cref="ExpectationVerdict"/>): exit 0 when every finding was expected and the expected bug was found, 1
/// otherwise, 2 for bad input, 3 when the model threw.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "A built-in scenario's name or a .conf file" };
        var seeds = new Option<int?>("--seeds") { Description = "Number of seeds (schedules) to run, >= 1 (default stressvm.run.seeds)" }.AtLeast(1);
        var firstSeed = new Option<ulong?>("--first-seed") { Description = "First seed (default stressvm.run.first-seed)" }.Seed();
        var strategy = new StrategyOptions();
        var maxSteps = new Option<int?>("--max-steps") { Description = "Step budget per schedule (default stressvm.run.max-steps); exceeding it is a step-budget finding" }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the summary" };
        var save = new Option<string?>("--save-schedule") { Description = "Directory to write the first failing schedule of each invariant to" };
        var cmd = new Command("run",
            "Explore a scenario: run many seeds under a strategy, check every invariant after every step, and print a summary " +
            "(schedules, distinct interleavings, violations by invariant with the first failing seed and the exact replay command, " +
            "schedules/s). The scenario's own knob pins apply, then --config and -D. Progress goes to stderr on long runs; " +
            "Ctrl-C or SIGTERM stops after the current schedule and still prints the summary. With --trace-out, the first failing run's trace is written. " +
            "Exit code 0 when every violation found was the scenario's expect and the expected one was found, 1 on an unexpected " +
            "violation or a missed expectation, 2 for bad input, 3 when the model itself threw.");
        cmd.Arguments.Add(scenario);
        cmd.Options.Add(seeds);
        cmd.Options.Add(firstSeed);
        strategy.AddTo(cmd);
        foreach (var o in new Option[] { maxSteps, json, save }) cmd.Options.Add(o);
        ConfigOptions.AddTo(cmd);
        var tel = new TelemetryCliOptions();
        tel.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var err = parse.InvocationConfiguration.Error;
            ScenarioSpec spec;
            var loaded = KernelSettings.Load(parse, out int code);
            if (loaded is null) return code;
            var s = loaded;
            string? saveDir = parse.GetValue(save), traceOut = tel.TraceOutPath(parse);
            try
            {
                spec = ScenarioCatalog.Load(parse.GetValue(scenario)!);
                s = s with
                {
                    Seeds = parse.GetValue(seeds) ?? s.Seeds,
                    FirstSeed = parse.GetValue(firstSeed) ?? s.FirstSeed,
                    Strategy = strategy.Resolve(parse, s.Strategy),
                    MaxSteps = parse.GetValue(maxSteps) ?? s.MaxSteps,
                };
                if (s.Seeds < 1 || s.MaxSteps < 1) throw new ArgumentException("--seeds and --max-steps must be positive");
                // Output paths are checked before the work starts: a typo must not cost the run.
                if (saveDir is not null && OutputFiles.CheckDirectory(saveDir, "--save-schedule") is { } bad) throw new ArgumentException(bad);
                if (traceOut is not null && OutputFiles.CheckFile(traceOut) is { } badTrace) throw new ArgumentException($"--trace-out: {badTrace}");
            }
            catch (Exception e) when (e is ScenarioException or FileNotFoundException or ArgumentException or FormatException)
            {
                err.WriteLine($"stressvm run: {e.Message}");
                return CliApp.ExitBadInput;
            }
            var settings = ConfigOptions.LoadSettingsOrFail(parse, out code);
            if (settings is null) return code;
            var o = parse.InvocationConfiguration.Output;
            return TelemetryFromConfig.WithSession(tel, parse, settings, replay: false, "run",
                session => Run(spec, s, parse.GetValue(json), saveDir, session, traceOut, o, err));
        });
        return cmd;
    }

    private sealed class Finding
    {
        public required string Invariant;
        public int Count;
        public ulong FirstSeed;
        public int FirstStep;
        public int FirstSchedule;
        public required string Detail;
        public required Recipe Recipe;
        public ulong Fingerprint;
        public int Steps;
        public string? Saved;
    }

    private static int Run(ScenarioSpec spec, Scenarios.RunSettings s, bool json, string? saveDir,
        Telemetry.TelemetrySession session, string? traceOut, TextWriter o, TextWriter err)
    {
        var model = ScenarioRunner.BuildModel(spec, s);
        var strategySpec = ScenarioRunner.ResolveStrategy(model, s);
        var strategy = strategySpec.Create();
        var recipe = Recipes.For(spec, s, strategySpec, s.FirstSeed); // once per run; per finding only the seed changes
        var traced = new TracedRerun(spec, s, recipe, session, traceOut, err);
        var findings = new SortedDictionary<string, Finding>(StringComparer.Ordinal);
        var fingerprints = new DistinctCounter(); // bounded memory: exact, then HyperLogLog
        var coverage = new CoverageTracker(); // interleaving classes and conflicting pairs seen
        if (s.Coverage) model.System.Observer = coverage.Log; // stressvm.run.coverage
        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal); // ISimulationModel.AddCounters, summed
        long steps = 0;
        int errors = 0;
        string? firstError = null;
        var sw = Stopwatch.StartNew();
        using var progress = new RunProgress(s.Seeds);
        int done = 0;
        for (int i = 0; i < s.Seeds && !progress.Stopped; i++, done++)
        {
            if ((i & 1023) == 0) progress.Tick(i, sw.Elapsed, findings.Count);
            ulong seed = s.FirstSeed + (ulong)i;
            var r = Explorer.RunOne(model, strategy, seed);
            if (s.Coverage) coverage.AfterRun();
            model.AddCounters(counters);
            traced.Offer(r);
            steps += r.Steps;
            fingerprints.Add(r.Fingerprint);
            if (r.Outcome is Outcome.InternalError or Outcome.ReplayDiverged)
            {
                errors++;
                firstError ??= $"seed {seed}: {r.Error}";
                continue;
            }
            if (!r.IsBug) continue;
            string name = ScenarioRunner.FindingName(r)!;
            if (!findings.TryGetValue(name, out var f))
            {
                var failing = recipe.WithSeed(seed) with { Swarm = Recipes.SwarmOf(spec, seed) };
                findings[name] = f = new Finding
                {
                    Invariant = name, FirstSeed = seed, FirstStep = r.Violation?.Step ?? r.Steps, FirstSchedule = i + 1,
                    Detail = r.ToString(), Recipe = failing, Fingerprint = r.Fingerprint, Steps = r.Steps,
                };
                if (saveDir is not null)
                {
                    var header = failing.ToHeader();
                    header[Recipe.Header.Invariant] = name;
                    var sched = model.System.RecordedSchedule(header);
                    var (path, failure) = OutputFiles.WriteWithFallback(Path.Combine(saveDir, $"{spec.Name}-{name}-seed{seed}.schedule"), sched.ToText());
                    if (failure is not null) err.WriteLine($"stressvm run: {failure}; wrote the schedule to {path} instead");
                    f.Saved = path;
                }
            }
            f.Count++;
        }
        sw.Stop();
        progress.Clear();
        int ran = done;
        if (progress.Stopped) err.WriteLine($"stressvm run: stopped by {progress.StoppedBy} after {ran} of {s.Seeds} schedules");
        double perSecond = ran / Math.Max(1e-9, sw.Elapsed.TotalSeconds);
        bool found = findings.Count > 0;
        var judged = ExpectationVerdict.Judge([ScenarioExpectation.Of(spec)], findings.Keys.Select(k => (spec.Name, k)), errors,
            ran < s.Seeds ? ExpectationVerdict.StoppedAfter(ran, s.Seeds, progress.StoppedBy) : null);
        string verdict = judged.Text;

        if (json)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("scenario", spec.Name);
                w.WriteString("expect", spec.Expect);
                w.WriteString("knobs", model.Knobs.ToString());
                w.WriteString("strategy", strategySpec.Text);
                w.WriteNumber("firstSeed", s.FirstSeed);
                w.WriteNumber("schedules", ran);
                w.WriteNumber("distinctFingerprints", fingerprints.Count);
                w.WriteString("distinctFingerprintsMethod", fingerprints.Method); // exact, or hyperloglog (an estimate)
                if (!fingerprints.IsExact) w.WriteNumber("distinctFingerprintsRelativeError", Math.Round(fingerprints.RelativeError, 4));
                if (s.Coverage)
                {
                    w.WriteNumber("classes", coverage.Classes);
                    w.WriteString("classesMethod", coverage.ClassesMethod);
                    w.WriteNumber("conflictingPairs", coverage.PairsSeen);
                    w.WriteNumber("conflictingPairsBothOrders", coverage.PairsBothOrders);
                }
                w.WriteNumber("steps", steps);
                w.WriteNumber("schedulesPerSecond", Math.Round(perSecond));
                w.WriteNumber("internalErrors", errors);
                if (firstError is not null) w.WriteString("firstInternalError", firstError);
                w.WriteStartObject("counters");
                foreach (var (name, v) in counters) w.WriteNumber(name, v);
                w.WriteEndObject();
                w.WriteStartArray("violations");
                foreach (var f in findings.Values)
                {
                    w.WriteStartObject();
                    w.WriteString("invariant", f.Invariant);
                    w.WriteNumber("count", f.Count);
                    w.WriteNumber("seed", f.FirstSeed);
                    w.WriteNumber("step", f.FirstStep);
                    w.WriteNumber("schedule", f.FirstSchedule);
                    w.WriteString("detail", f.Detail);
                    w.WriteNumber("steps", f.Steps);
                    w.WriteString("fingerprint", f.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteString("replay", f.Recipe.ReplayCommand());
                    w.WriteString("recipe", f.Recipe.ToText());
                    if (f.Saved is not null)
                    {
                        w.WriteString("scheduleFile", f.Saved);
                        w.WriteString("replaySchedule", Recipe.ScheduleReplayCommand(f.Recipe.Scenario, f.Saved));
                    }
                    w.WriteBoolean("expected", judged.IsExpected(spec.Name, f.Invariant));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("unmetExpectations");
                foreach (var u in judged.Unmet)
                {
                    w.WriteStartObject();
                    w.WriteString("scenario", u.Scenario);
                    w.WriteString("invariant", u.Invariant);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("complete", judged.StoppedEarly is null);
                w.WriteString("verdict", verdict);
                w.WriteNumber("exitCode", judged.ExitCode);
                w.WriteEndObject();
            }
            o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            o.WriteLine($"scenario    {spec.Name} (expect {spec.Expect})");
            o.WriteLine($"knobs       {model.Knobs}");
            o.WriteLine($"settings    {(recipe.Settings.Count == 0 ? "defaults" : string.Join(" ", recipe.Settings))}");
            o.WriteLine($"strategy    {strategySpec.Text}, seeds {s.FirstSeed}..{s.FirstSeed + (ulong)Math.Max(ran, 1) - 1}");
            o.WriteLine($"schedules   {ran}   distinct fingerprints {fingerprints}   steps {steps} ({(double)steps / Math.Max(ran, 1):0.#}/schedule)");
            o.WriteLine(s.Coverage ? $"coverage    {coverage}" : "coverage    off (stressvm.run.coverage = false)");
            o.WriteLine($"speed       {perSecond:0} schedules/s");
            if (errors > 0) o.WriteLine($"model errors {errors}; first: {firstError}");
            if (counters.Count > 0)
                o.WriteLine($"counters    {string.Join("  ", counters.Select(c => $"{c.Key} {c.Value} ({(double)c.Value / Math.Max(ran, 1):0.##}/schedule)"))}");
            if (!found) o.WriteLine("violations  none");
            else
            {
                o.WriteLine("violations");
                foreach (var f in findings.Values)
                {
                    o.WriteLine($"  {f.Invariant,-20} {f.Count,6}x  {(judged.IsExpected(spec.Name, f.Invariant) ? "expected  " : "UNEXPECTED")}  first seed {f.FirstSeed} (schedule {f.FirstSchedule}, step {f.FirstStep})");
                    o.WriteLine($"      {f.Detail}");
                    o.WriteLine($"      replay: {f.Recipe.ReplayCommand()}");
                    if (f.Saved is not null) o.WriteLine($"      schedule: {Recipe.ScheduleReplayCommand(f.Recipe.Scenario, f.Saved)}");
                }
            }
            o.WriteLine($"verdict     {verdict}");
        }
        return judged.ExitCode; // 0 all as predicted, 1 unexpected or missed, 3 the model threw (a StressVm defect)
    }
}

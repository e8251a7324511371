using System.Text.Json;
using System.Text.RegularExpressions;
using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;
using static StressVm.Tests.Contract.CliHarness;

namespace StressVm.Tests.Contract;

/// <summary>
/// The reproduction contract, end to end through the CLI entry point: for every built-in scenario (from the
/// catalogue) and a matrix of options (random, PCT, a non-default step budget, a knob by -D, a kernel setting,
/// per-sender mailbox order, a --config file), `run` is executed, and every reproducer it printed or wrote (the
/// replay command line, the saved schedule, and for one option the minimized schedule `minimize` printed) is
/// executed exactly as printed; each must give the same outcome, finding, steps and fingerprint.
/// </summary>
public class ReproducerContractTests
{
    public static TheoryData<string> Scenarios()
    {
        var d = new TheoryData<string>();
        foreach (var n in ScenarioCatalog.Names) d.Add(n);
        return d;
    }

    /// <summary>The option matrix for <paramref name="spec"/>; each entry is one `run` (small seed counts keep the class fast).</summary>
    private static IEnumerable<(string Label, string[] Args)> Matrix(ScenarioSpec spec, string configFile)
    {
        var k = spec.Knobs();
        // A knob the scenario does not already pin on: the -D changes the kernel, so the recipe must carry it.
        string knob = k.Get("wrprotect-skip-flush") ? "munmap-free-before-flush" : "wrprotect-skip-flush";
        yield return ("random", ["--strategy", "random", "--seeds", "20"]);
        yield return ("pct (HOCON default)", ["--seeds", "20"]);
        yield return ("pct:2", ["--strategy", "pct:2", "--seeds", "20"]);
        yield return ("step budget", ["--max-steps", "5", "--seeds", "3"]);
        yield return ("knob -D", ["-D", $"stressvm.kernel.bugs.{knob}=true", "--strategy", "random", "--seeds", "20"]);
        yield return ("kernel setting", ["-D", $"stressvm.kernel.debug-vm={(k.DebugVm ? "false" : "true")}", "--seeds", "20"]);
        yield return ("per-sender", ["-D", "stressvm.run.mailbox-order=per-sender", "--strategy", "random", "--seeds", "20"]);
        yield return ("--config", ["--config", configFile, "--seeds", "10"]);
    }

    private const string ConfigText = """
        # a user's configuration: another strategy, a tighter step budget, a knob
        stressvm.run.strategy = random
        stressvm.run.max-steps = 60
        stressvm.kernel.bugs.zap-rmap-before-flush = true
        """;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryPrintedReproducerReproduces(string scenario)
    {
        var spec = ScenarioCatalog.LoadBuiltin(scenario);
        string dir = NewDirectory("contract");
        string config = Path.Combine(dir, "user.conf");
        File.WriteAllText(config, ConfigText);
        int reproduced = 0;
        bool minimized = false;
        try
        {
            foreach (var (label, options) in Matrix(spec, config))
            {
                string saveDir = Path.Combine(dir, label.Replace(' ', '-').Replace(":", ""));
                var run = Stressvm(["run", scenario, .. options, "--json", "--save-schedule", saveDir]);
                Assert.True(run.Code is 0 or 1, $"{scenario} [{label}]: {run}");
                using var doc = JsonDocument.Parse(run.Out);
                foreach (var v in doc.RootElement.GetProperty("violations").EnumerateArray())
                {
                    string invariant = v.GetProperty("invariant").GetString()!;
                    int steps = v.GetProperty("steps").GetInt32();
                    string fingerprint = v.GetProperty("fingerprint").GetString()!;
                    string replay = v.GetProperty("replay").GetString()!;
                    var expected = new Verdict(OutcomeOf(invariant), invariant, steps, fingerprint);

                    var bySeed = Printed(replay);
                    Assert.True(bySeed.Code == 1, $"{scenario} [{label}] {replay}: {bySeed}");
                    Assert.Equal(expected, ReplayVerdict(bySeed));

                    string bySchedule = v.GetProperty("replaySchedule").GetString()!;
                    var sched = Printed(bySchedule);
                    Assert.True(sched.Code == 1, $"{scenario} [{label}] {bySchedule}: {sched}");
                    Assert.Equal(expected, ReplayVerdict(sched));
                    reproduced += 2;

                    if (!minimized && label == "random")
                    {
                        minimized = true;
                        MinimizedScheduleReproduces(replay, invariant, Path.Combine(dir, "min.schedule"));
                        reproduced++;
                    }
                }
            }
            // The step-budget entry alone guarantees reproducers for every scenario.
            Assert.True(reproduced >= 2, $"{scenario}: only {reproduced} reproducers exercised");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// `minimize` on the printed replay command's run (the same options with minimize instead of replay), then the
    /// replay command minimize printed for the file it wrote: the same finding, steps and fingerprint it reported.
    /// </summary>
    private static void MinimizedScheduleReproduces(string replay, string invariant, string output)
    {
        var words = Words(replay);
        words[1] = "minimize";
        var min = Stressvm([.. words.Skip(1), "-o", output, "--max-replays", "60"]);
        Assert.True(min.Code == 1, $"{string.Join(" ", words)}: {min}");
        var summary = Regex.Match(min.Out, @"^(\S+): \d+ -> (\d+) steps", RegexOptions.Multiline);
        var fp = Regex.Match(min.Out, @"^fingerprint ([0-9a-f]{16})$", RegexOptions.Multiline);
        var printed = Regex.Match(min.Out, @"^replay: (.+)$", RegexOptions.Multiline);
        Assert.True(summary.Success && fp.Success && printed.Success, min.ToString());
        Assert.Equal(invariant, summary.Groups[1].Value);
        var again = Printed(printed.Groups[1].Value.TrimEnd());
        Assert.True(again.Code == 1, again.ToString());
        Assert.Equal(new Verdict(OutcomeOf(invariant), invariant, int.Parse(summary.Groups[2].Value), fp.Groups[1].Value), ReplayVerdict(again));
    }

    internal static string OutcomeOf(string finding) => finding switch
    {
        "step-budget" => "StepBudget",
        "deadlock" => "Deadlock",
        _ => "Violation",
    };

    /// <summary>A soak's report: every failure's replay command and minimized schedule, executed as the report prints them.</summary>
    [Fact]
    public void EverySoakReportEntryReproduces()
    {
        string state = NewDirectory("contract-soak");
        try
        {
            var soak = Stressvm("soak", "--scenarios", "munmap-vs-fault,wrprotect-vs-write", "--max-schedules", "256", "--chunk-size", "64",
                "--workers", "1", "--state", state, "--plain", "-D", "stressvm.run.mailbox-order=per-sender");
            Assert.True(soak.Code is 0 or 1, soak.ToString());
            var report = Stressvm("soak", "report", "--state", state);
            Assert.Equal(0, report.Code); // both scenarios plant their bug and find it: the verdict is "as expected"
            // Blocks: "INVARIANT  [SCENARIO]  signature SIG  xN", then "  replay: CMD" and "  minimized (N steps): CMD".
            var entries = Regex.Matches(report.Out,
                @"^(\S+)  \[(\S+)\]  signature \S+  x\d+\n(?:  .*\n)*?  first seed \d+, shortest seed \d+ \((\d+) steps\)\n  replay: (.+)\n(?:  minimized \((\d+) steps\): (.+)\n)?",
                RegexOptions.Multiline);
            Assert.NotEmpty(entries);
            int minimized = 0;
            foreach (Match e in entries)
            {
                string invariant = e.Groups[1].Value;
                Assert.Contains("-D stressvm.run.mailbox-order=per-sender", e.Groups[4].Value);
                var bySeed = Printed(e.Groups[4].Value);
                Assert.True(bySeed.Code == 1, bySeed.ToString());
                var v = ReplayVerdict(bySeed);
                Assert.Equal((OutcomeOf(invariant), invariant, int.Parse(e.Groups[3].Value)), (v.Outcome, v.Finding, v.Steps));
                if (!e.Groups[6].Success) continue;
                var min = Printed(e.Groups[6].Value);
                Assert.True(min.Code == 1, min.ToString());
                var m = ReplayVerdict(min);
                Assert.Equal((OutcomeOf(invariant), invariant, int.Parse(e.Groups[5].Value)), (m.Outcome, m.Finding, m.Steps));
                minimized++;
            }
            Assert.True(minimized > 0, report.Out);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}

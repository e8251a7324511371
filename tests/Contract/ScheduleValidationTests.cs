using System.Text.Json;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;
using static StressVm.Tests.Contract.CliHarness;

namespace StressVm.Tests.Contract;

/// <summary>Schedule files are checked on load (exit 2, one line saying what is wrong); output paths before the work; trace ids from the whole recipe.</summary>
public class ScheduleValidationTests
{
    /// <summary>A failing schedule of wrprotect-vs-write, saved by run.</summary>
    private static (string Dir, string File) Saved()
    {
        string dir = NewDirectory("validate");
        var run = Stressvm("run", "wrprotect-vs-write", "--seeds", "5", "--strategy", "random", "--json", "--save-schedule", dir);
        Assert.Equal(0, run.Code); // a planted bug the scenario expects: the verdict is 0, the schedule is still saved
        using var doc = JsonDocument.Parse(run.Out);
        return (dir, doc.RootElement.GetProperty("violations")[0].GetProperty("scheduleFile").GetString()!);
    }

    private static void Refused(string expected, params string[] args)
    {
        var r = Stressvm(args);
        Assert.True(r.Code == 2, r.ToString());
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.DoesNotContain("Exception", r.Err);
    }

    [Fact]
    public void AScheduleMustBelongToTheScenarioAndItsCurrentContent()
    {
        var (dir, file) = Saved();
        Refused("was recorded for scenario wrprotect-vs-write, not munmap-vs-fault", "replay", "munmap-vs-fault", "--schedule", file);
        // The same scenario as a file, then edited: the content hash differs.
        string conf = Path.Combine(dir, "wrprotect-vs-write.conf");
        File.WriteAllText(conf, ScenarioCatalog.BuiltinText("wrprotect-vs-write"));
        var copy = Stressvm("run", conf, "--seeds", "5", "--strategy", "random", "--json", "--save-schedule", dir);
        Assert.Equal(0, copy.Code); // expected finding: verdict 0
        string own;
        using (var doc = JsonDocument.Parse(copy.Out)) own = doc.RootElement.GetProperty("violations")[0].GetProperty("scheduleFile").GetString()!;
        Assert.Equal(1, Stressvm("replay", conf, "--schedule", own).Code);
        File.AppendAllText(conf, "\n# an edit\n");
        Refused("the scenario file was edited since", "replay", conf, "--schedule", own);
        Refused("the scenario file was edited since", "minimize", conf, "--schedule", own);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ActorsSeedAndTrailingLinesAreChecked()
    {
        var (dir, file) = Saved();
        string text = File.ReadAllText(file);
        string bad = Path.Combine(dir, "bad.schedule");

        var lines = text.Split('\n').ToList();
        int a = lines.FindIndex(l => l.StartsWith("A ", StringComparison.Ordinal));
        var f = lines[a].Split(' ');
        lines[a] = $"A {f[1]} nosuchactor";
        File.WriteAllText(bad, string.Join('\n', lines));
        Refused($"is {f[2]} in this scenario, but the schedule names it nosuchactor", "replay", "wrprotect-vs-write", "--schedule", bad);

        File.WriteAllText(bad, string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("# seed:", StringComparison.Ordinal))));
        Refused("no seed", "replay", "wrprotect-vs-write", "--schedule", bad);

        File.WriteAllText(bad, text + "trailing garbage\n");
        Refused("expected 'A <actor-id> <name>' or 'V <value> <bound>'", "replay", "wrprotect-vs-write", "--schedule", bad);

        // Well-formed choices beyond the end of the run are garbage too: the replay says which and where.
        File.WriteAllText(bad, text + lines[a] .Replace("nosuchactor", f[2]) + "\n");
        var r = Stressvm("replay", "wrprotect-vs-write", "--schedule", bad);
        Assert.Equal(2, r.Code);
        Assert.Contains("1 of the schedule's", r.Err);
        Assert.Contains("seed ", r.Err);

        File.WriteAllText(bad, text.Replace(Schedule.Magic, "# stressvm schedule v1"));
        Refused("older StressVm", "replay", "wrprotect-vs-write", "--schedule", bad);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void TheRecordedSettingsCannotBeContradicted()
    {
        var (dir, file) = Saved();
        Refused("was recorded with settings", "replay", "wrprotect-vs-write", "--schedule", file, "-D", "stressvm.kernel.bugs.munmap-free-before-flush=true");
        Refused("a schedule file carries its own strategy", "replay", "wrprotect-vs-write", "--schedule", file, "--strategy", "pct");
        Directory.Delete(dir, true);
    }

    [Fact]
    public void OutputPathsAreCheckedBeforeTheWork()
    {
        string dir = NewDirectory("paths");
        string aFile = Path.Combine(dir, "plain-file");
        File.WriteAllText(aFile, "");
        Refused("--save-schedule", "run", "wrprotect-vs-write", "--seeds", "5", "--save-schedule", aFile);
        Refused("--trace-out", "run", "wrprotect-vs-write", "--seeds", "5", "--trace-out", Path.Combine(aFile, "x.json"));
        Refused("-o", "minimize", "wrprotect-vs-write", "--seed", "0", "-o", Path.Combine(aFile, "x.schedule"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void TraceIdsComeFromTheWholeRecipe()
    {
        var spec = ScenarioCatalog.LoadBuiltin("wrprotect-vs-write");
        var s = new RunSettings();
        string Id(RunSettings rs, StrategySpec st, ulong seed) => StressVm.Cli.TelemetryCliOptions.TraceIdOf(Recipes.For(spec, rs, st, seed));
        var random = Id(s, StrategySpec.Random.Instance, 0);
        Assert.Equal(random, Id(new RunSettings(), StrategySpec.Random.Instance, 0));
        var others = new[]
        {
            Id(s, new StrategySpec.Pct(3, 25), 0),
            Id(s, new StrategySpec.Pct(2, 25), 0),
            Id(s, StrategySpec.Random.Instance, 1),
            Id(s with { KnobOverrides = new Dictionary<string, bool> { ["munmap-free-before-flush"] = true } }, StrategySpec.Random.Instance, 0),
            Id(s with { SettingOverrides = new Dictionary<string, string> { ["debug-vm"] = "false" } }, StrategySpec.Random.Instance, 0),
            Id(s with { MaxSteps = 50 }, StrategySpec.Random.Instance, 0),
            Id(s with { MailboxOrder = MailboxOrder.PerSender }, StrategySpec.Random.Instance, 0),
        };
        Assert.Equal(others.Length + 1, others.Append(random).Distinct().Count());
    }

    [Fact]
    public void TheStrategyHasOneTextFormAndOneParser()
    {
        foreach (var text in new[] { "random", "pct:3", "pct:1:57" })
            Assert.Equal(text, StrategySpec.Parse(text).Text);
        Assert.Equal("pct:4", StrategySpec.Parse("pct", defaultDepth: 4).Text);
        foreach (var bad in new[] { "pct(3)", "pct:0", "pct:3:0", "pct:3:57:1", "dfs", "" })
            Assert.Throws<FormatException>(() => StrategySpec.Parse(bad));
        var recipe = Recipes.For(ScenarioCatalog.LoadBuiltin("mixed"), new RunSettings { MaxSteps = 77 }, new StrategySpec.Pct(2, 90), 12);
        Assert.Equal(recipe, Recipe.Parse(recipe.ToText()));
        Assert.Equal("stressvm replay mixed --seed 12 --strategy pct:2:90 -D stressvm.run.max-steps=77", recipe.ReplayCommand());
    }
}

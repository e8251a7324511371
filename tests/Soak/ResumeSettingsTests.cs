using StressVm.Campaign;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Campaigns;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>
/// A resume must run chunks that count the same as the journal's: the knobs and settings (--config, -D), the mailbox
/// order, the step budget, the portfolio and the seed space are recorded when the state directory is made, and a
/// session with any other is refused with one line naming each difference.
/// </summary>
public sealed class ResumeSettingsTests
{
    private static SoakSummary Run(SoakOptions o, RunSettings settings, List<string>? warnings = null) =>
        new CampaignRunner(SoakTestKit.Source, o, w => { if (warnings is not null) lock (warnings) warnings.Add(w); }, settings).Run();

    private static RunSettings Knob(string name, bool on) => new() { KnobOverrides = new Dictionary<string, bool> { [name] = on } };

    [Fact]
    public void AResumeWithOtherKnobsOrSettingsIsRefusedNamingEachDifference()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var o = SoakTestKit.Options(dir, SoakTestKit.Clean) with { MaxSchedules = 100 };
        Run(o, Knob("wrprotect-skip-flush", true));
        int records = SoakTestKit.Records<SoakRecord>(dir).Count;

        var none = Assert.Throws<ArgumentException>(() => Run(o, new RunSettings()));
        Assert.Contains("stressvm.kernel.bugs.wrprotect-skip-flush unset here, true in the journal", none.Message);
        Assert.DoesNotContain('\n', none.Message);

        var other = Assert.Throws<ArgumentException>(() => Run(o, Knob("wrprotect-skip-flush", false) with
        {
            MaxSteps = 500, SettingOverrides = new Dictionary<string, string> { ["perf.mode"] = "sampling" },
        }));
        Assert.Contains("stressvm.kernel.bugs.wrprotect-skip-flush false here, true in the journal", other.Message);
        Assert.Contains("stressvm.kernel.perf.mode sampling here, unset in the journal", other.Message);
        Assert.Contains("stressvm.run.max-steps 500 here, 10000 in the journal", other.Message);

        var portfolio = Assert.Throws<ArgumentException>(() => Run(o with { Portfolio = StrategyPortfolio.Parse("random") }, Knob("wrprotect-skip-flush", true)));
        Assert.Contains($"--portfolio random here, {StrategyPortfolio.Default} in the journal", portfolio.Message);
        Assert.DoesNotContain("stressvm.kernel", portfolio.Message); // only what differs

        // Refused sessions wrote nothing; the same settings resume.
        Assert.Equal(records, SoakTestKit.Records<SoakRecord>(dir).Count);
        var resumed = Run(o, Knob("wrprotect-skip-flush", true));
        Assert.Equal(200, resumed.TotalSchedules);
        Assert.Single(SoakTestKit.Records<SoakSettingsRecorded>(dir));
    }

    [Fact]
    public void AnOlderJournalWithoutSettingsRecordsTheFirstResumesAndChecksThemFromThen()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var o = SoakTestKit.Options(dir, SoakTestKit.Clean) with { MaxSchedules = 100 };
        Run(o, new RunSettings());
        // An older StressVm's journal: the same records without the settings line.
        string path = JournalFile.PathIn(dir);
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.Contains("\"kind\":\"settings\"")));
        Assert.Empty(SoakTestKit.Records<SoakSettingsRecorded>(dir));

        var warnings = new List<string>();
        Run(o, Knob("wrprotect-skip-flush", true), warnings);
        Assert.Contains(warnings, w => w.Contains("no recorded knobs and settings"));
        var recorded = Assert.Single(SoakTestKit.Records<SoakSettingsRecorded>(dir));
        Assert.True(recorded.Knobs["wrprotect-skip-flush"]);
        Assert.Throws<ArgumentException>(() => Run(o, new RunSettings()));
    }

    [Fact]
    public void TheCliExitsTwoWithOneLineWhenDashDDiffersFromTheJournal()
    {
        string dir = SoakTestKit.NewStateDirectory();
        string[] soak = ["soak", "--scenarios", "mixed", "--max-schedules", "20", "--chunk-size", "10", "--workers", "1", "--state", dir, "--plain", "--no-minimize"];
        var first = CliProcess.Run(TimeSpan.FromMinutes(2), [.. soak, "-D", "stressvm.kernel.bugs.wrprotect-skip-flush=true"]);
        Assert.True(first.Code is 0 or 1, $"exit {first.Code}\n{first.Err}");

        var again = CliProcess.Run(TimeSpan.FromMinutes(2), soak);
        Assert.Equal(2, again.Code);
        string line = Assert.Single(again.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("stressvm soak: state directory", line);
        Assert.Contains("stressvm.kernel.bugs.wrprotect-skip-flush unset here, true in the journal", line);
        Assert.Equal("", again.Out);
    }
}

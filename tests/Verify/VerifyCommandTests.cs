using StressVm.Cli;
using Xunit;

namespace StressVm.Tests.Verify;

/// <summary>`stressvm verify`: exit codes, and a reproducer that reproduces.</summary>
[Collection("console")]
public class VerifyCommandTests
{
    private static string Dir(string name)
    {
        string d = Path.Combine(Path.GetTempPath(), "stressvm-verify-tests", name);
        if (Directory.Exists(d)) Directory.Delete(d, true);
        return d;
    }

    [Fact]
    public void AKnobsViolationIsFoundAndItsScheduleReplaysIt()
    {
        string dir = Dir("knob");
        int code = CliApp.Run(["verify", "wrprotect-vs-write", "--max-classes", "5000", "--save-schedule", dir]);
        Assert.Equal(CliApp.ExitBugFound, code);
        string file = Assert.Single(Directory.GetFiles(dir, "*.verify.schedule"));
        Assert.Contains("stale-writable-tlb", file);
        Assert.Equal(CliApp.ExitBugFound, CliApp.Run(["replay", "wrprotect-vs-write", "--schedule", file]));
    }

    [Fact]
    public void ABoundThatStopsACleanSearchExitsFour()
    {
        Assert.Equal(VerifyCommand.ExitBoundReached, CliApp.Run(["verify", "perf-pfnmap", "--max-classes", "1", "--save-schedule", Dir("bound")]));
    }

    [Fact]
    public void ASwarmScenarioIsRefused()
    {
        Assert.Equal(CliApp.ExitBadInput, CliApp.Run(["verify", "mixed"]));
    }
}

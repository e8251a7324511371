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
        var printed = new StringWriter();
        var stdout = Console.Out;
        Console.SetOut(printed); // verify prints its summary to the console
        int code;
        try { code = CliApp.Run(["verify", "wrprotect-vs-write", "--max-classes", "5000", "--save-schedule", dir]); }
        finally { Console.SetOut(stdout); }
        Assert.Equal(CliApp.ExitBugFound, code);
        string file = Assert.Single(Directory.GetFiles(dir, "*.verify.schedule"));
        Assert.Contains("stale-writable-tlb", file);
        // The reproducer exactly as verify printed it, run through the CLI entry point.
        string replay = Assert.Single(printed.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("replay: ", StringComparison.Ordinal)))["replay: ".Length..];
        var r = StressVm.Tests.Contract.CliHarness.Printed(replay);
        Assert.Equal(CliApp.ExitBugFound, r.Code);
        Assert.Contains("stale-writable-tlb", r.Out + r.Err);
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

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
        // verify prints through the writers CliApp.Run is given, as every command does.
        var r0 = StressVm.Tests.Contract.CliHarness.Stressvm("verify", "wrprotect-vs-write", "--max-classes", "5000", "--save-schedule", dir);
        Assert.Equal(CliApp.ExitBugFound, r0.Code);
        Assert.Contains("violation, as expected", r0.Out);
        string file = Assert.Single(Directory.GetFiles(dir, "*.verify.schedule"));
        Assert.Contains("stale-writable-tlb", file);
        // The reproducer exactly as verify printed it, run through the CLI entry point.
        string replay = Assert.Single(r0.Out.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("replay: ", StringComparison.Ordinal)))["replay: ".Length..];
        var r = StressVm.Tests.Contract.CliHarness.Printed(replay);
        Assert.Equal(CliApp.ExitBugFound, r.Code);
        Assert.Contains("stale-writable-tlb", r.Out + r.Err);
    }

    [Fact]
    public void ABoundThatStopsACleanSearchExitsFour()
    {
        var r = StressVm.Tests.Contract.CliHarness.Stressvm("verify", "perf-pfnmap", "--max-classes", "1", "--json", "--save-schedule", Dir("bound"));
        Assert.Equal(VerifyCommand.ExitBoundReached, r.Code);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out); // the JSON goes to the given writer too
        Assert.Equal("max-classes", doc.RootElement.GetProperty("stoppedBy")[0].GetString());
        Assert.Equal(VerifyCommand.ExitBoundReached, doc.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void ASwarmScenarioIsRefused()
    {
        var r = StressVm.Tests.Contract.CliHarness.Stressvm("verify", "mixed");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains("swarm scenario", r.Err);
    }
}

using Xunit;

namespace StressVm.Tests.Cli;

/// <summary>
/// SIGTERM (what CI time-outs and Kubernetes send) is handled as Ctrl-C: the current schedule finishes, the summary
/// and the verdict are printed, and the exit code is the verdict's (not 143). Bounded: the child is killed if it hangs.
/// </summary>
public class SigtermTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(2);

    [Fact]
    public void RunStoppedBySigtermPrintsTheSummaryAndTheVerdictsExitCode()
    {
        if (!OperatingSystem.IsLinux()) Assert.Fail("this test sends a POSIX signal; it runs on Linux");
        using var p = CliProcess.Start(null, "run", "wrprotect-vs-write", "--seeds", "100000000");
        Assert.True(p.WaitForErr("[run]", StartBound), $"no progress line; stderr:\n{p.Err}"); // the loop is running
        p.SendSigterm();
        var (code, stdout, stderr) = p.WaitForExit(CliProcess.Generous);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}"); // the expected bug was found: the verdict's 0, not 143
        Assert.Contains("stopped by SIGTERM after", stderr);
        var verdict = stdout.Split('\n').Single(l => l.StartsWith("verdict", StringComparison.Ordinal));
        Assert.Matches(@"stopped after [\d,]+ of 100,000,000 schedules \(SIGTERM\): ", verdict);
        Assert.DoesNotContain("as expected", verdict);
    }

    [Fact]
    public void SoakStoppedBySigtermFlushesAndPrintsTheVerdict()
    {
        if (!OperatingSystem.IsLinux()) Assert.Fail("this test sends a POSIX signal; it runs on Linux");
        string state = Directory.CreateTempSubdirectory("stressvm-sigterm-").FullName;
        try
        {
            using var p = CliProcess.Start(null, "soak", "--scenarios", "wrprotect-vs-write,mixed", "--duration", "10m", "--workers", "1",
                "--chunk-size", "256", "--no-minimize", "--plain", "--progress-interval", "1s", "--state", state);
            Assert.True(p.WaitForErr("stressvm soak: wrprotect-vs-write, mixed", StartBound), $"soak did not start; stderr:\n{p.Err}");
            var started = DateTime.UtcNow;
            while (!p.Out.Contains("[soak ", StringComparison.Ordinal) && DateTime.UtcNow - started < StartBound) Thread.Sleep(50);
            p.SendSigterm();
            var (code, stdout, stderr) = p.WaitForExit(CliProcess.Generous);
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains("SIGTERM: stopping", stderr);
            Assert.Contains("soak stopped (Cancelled)", stdout);
            Assert.Matches(@"verdict: stopped after [\d,]+ schedules \(SIGTERM\): ", stdout);
            Assert.Contains("session-end", File.ReadAllText(Path.Combine(state, "soak-journal.jsonl"))); // flushed
        }
        finally { Directory.Delete(state, recursive: true); }
    }
}

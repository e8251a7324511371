using System.Text.Json;
using Xunit;

namespace StressVm.Tests.Cli;

/// <summary>
/// The verdict through the `stressvm` entry point, as CI sees it: exit 0 when every finding was expected and the
/// expected bug was found, 1 otherwise; --json marks each failure `expected` and lists unmet expectations.
/// </summary>
public sealed class VerdictCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-verdict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public void RunOfAPlantedBugThatIsFoundExitsZero()
    {
        var (code, stdout, err) = CliProcess.Run("run", "wrprotect-vs-write", "--seeds", "50", "--json");
        Assert.True(code == 0, $"exit {code}: {err}");
        var j = Json(stdout);
        var v = Assert.Single(j.GetProperty("violations").EnumerateArray());
        Assert.Equal("stale-writable-tlb", v.GetProperty("invariant").GetString());
        Assert.True(v.GetProperty("expected").GetBoolean());
        Assert.Equal(0, j.GetProperty("unmetExpectations").GetArrayLength());
        Assert.StartsWith("as expected", j.GetProperty("verdict").GetString());
        Assert.Equal(0, j.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void RunThatMissesItsExpectedBugExitsOneAndSaysWhich()
    {
        var (code, stdout, _) = CliProcess.Run("run", "wrprotect-vs-write", "--seeds", "50", "--json",
            "-D", "stressvm.kernel.bugs.wrprotect-skip-flush=false");
        Assert.Equal(1, code);
        var u = Assert.Single(Json(stdout).GetProperty("unmetExpectations").EnumerateArray());
        Assert.Equal("wrprotect-vs-write", u.GetProperty("scenario").GetString());
        Assert.Equal("stale-writable-tlb", u.GetProperty("invariant").GetString());
    }

    [Fact]
    public void RunWithAnUnexpectedViolationExitsOne()
    {
        // perf-pfnmap predicts pass; B20's knob turned on makes it fail refcount.
        var (code, stdout, _) = CliProcess.Run("run", "perf-pfnmap", "--seeds", "200", "--json", "-D", "stressvm.kernel.bugs.perf-allow-split=true");
        Assert.Equal(1, code);
        var j = Json(stdout);
        Assert.Contains(j.GetProperty("violations").EnumerateArray(), v => !v.GetProperty("expected").GetBoolean());
        Assert.StartsWith("UNEXPECTED", j.GetProperty("verdict").GetString());
    }

    [Fact]
    public void SoakAndSoakReportOfExpectedFindingsExitZero()
    {
        string state = Path.Combine(_dir, "ok");
        var (code, stdout, err) = CliProcess.Run("soak", "--scenarios", "wrprotect-vs-write,perf-pfnmap", "--max-schedules", "4096",
            "--chunk-size", "1024", "--workers", "1", "--no-minimize", "--plain", "--state", state);
        Assert.True(code == 0, $"exit {code}: {stdout}\n{err}");
        Assert.Contains("verdict: as expected", stdout);
        var (rc, report, _) = CliProcess.Run("soak", "report", "--state", state, "--json");
        Assert.Equal(0, rc);
        var j = Json(report);
        Assert.NotEmpty(j.GetProperty("failures").EnumerateArray());
        Assert.All(j.GetProperty("failures").EnumerateArray(), f =>
        {
            Assert.Equal("wrprotect-vs-write", f.GetProperty("scenario").GetString());
            Assert.True(f.GetProperty("expected").GetBoolean());
        });
        Assert.Equal(0, j.GetProperty("unmetExpectations").GetArrayLength());
        Assert.Equal(0, j.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void SoakReportMarksAnUnexpectedFailureAndExitsOne()
    {
        string state = Path.Combine(_dir, "bad");
        var (code, _, err) = CliProcess.Run("soak", "--scenarios", "perf-pfnmap", "--max-schedules", "2048", "--chunk-size", "1024",
            "--workers", "1", "--no-minimize", "--plain", "--state", state, "-D", "stressvm.kernel.bugs.perf-allow-split=true");
        Assert.True(code == 1, $"exit {code}: {err}");
        var (rc, report, _) = CliProcess.Run("soak", "report", "--state", state, "--json");
        Assert.Equal(1, rc);
        var j = Json(report);
        Assert.Contains(j.GetProperty("failures").EnumerateArray(),
            f => f.GetProperty("scenario").GetString() == "perf-pfnmap" && !f.GetProperty("expected").GetBoolean());
        Assert.StartsWith("UNEXPECTED", j.GetProperty("verdict").GetString());
    }
}

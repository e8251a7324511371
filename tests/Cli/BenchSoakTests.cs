using System.Text.Json;
using Xunit;

namespace StressVm.Tests.Cli;

/// <summary>
/// `stressvm bench soak` times both runners it compares (the Akka.NET campaign and the plain pool) on the same
/// scenario, and refuses a worker count it cannot use. Figures are not asserted: only that each case ran.
/// </summary>
public sealed class BenchSoakTests
{
    [Fact]
    public void TimesThePoolAndTheCampaignSideBySide()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "soak", "--scenarios", "munmap-vs-fault", "--workers", "1",
            "--seconds", "1", "--rounds", "1", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(["campaign", "pool"], cases.Select(c => c.GetProperty("runner").GetString()).Order());
        Assert.All(cases, c => Assert.True(c.GetProperty("schedules").GetInt64() > 0));
        var ratio = Assert.Single(doc.RootElement.GetProperty("campaignOverPool").EnumerateArray());
        Assert.Equal(1, ratio.GetProperty("workers").GetInt32());
        Assert.True(ratio.GetProperty("median").GetDouble() > 0);
    }

    [Theory]
    [InlineData("0", "--workers: '0' is not a worker count >= 1")]
    [InlineData("1,x", "--workers: 'x' is not a worker count >= 1")]
    public void RefusesABadWorkerCount(string workers, string message)
    {
        var (code, _, stderr) = CliProcess.Run("bench", "soak", "--workers", workers, "--seconds", "1", "--rounds", "1");
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void RefusesAnUnknownScenario()
    {
        var (code, _, stderr) = CliProcess.Run("bench", "soak", "--scenarios", "mixd", "--seconds", "1", "--rounds", "1");
        Assert.Equal(2, code);
        Assert.Contains("unknown scenario 'mixd'", stderr);
    }
}

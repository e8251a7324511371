using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>
/// A run is f(scenario, settings, seed) across processes too: string hash codes are randomized per process, so
/// anything that leaked them into a schedule or a fingerprint would show here and not in one process.
/// </summary>
public class CrossProcessDeterminismTests
{
    private static JsonElement Replay(params string[] args)
    {
        var cli = typeof(StressVm.Cli.CliApp).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode is 0 or 1, $"exit {p.ExitCode}: {p.StandardError.ReadToEnd()}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Theory]
    [InlineData("fbdefio-v7.0", "1", "pct")]
    [InlineData("mixed", "17", "random")]
    public void TwoProcessesReplayTheSameSeedIdentically(string scenario, string seed, string strategy)
    {
        var a = Replay("replay", scenario, "--seed", seed, "--strategy", strategy, "--json");
        var b = Replay("replay", scenario, "--seed", seed, "--strategy", strategy, "--json");
        Assert.Equal(a.GetProperty("fingerprint").GetString(), b.GetProperty("fingerprint").GetString());
        Assert.Equal(a.GetProperty("steps").GetInt32(), b.GetProperty("steps").GetInt32());
        Assert.Equal(a.GetProperty("trace").GetRawText(), b.GetProperty("trace").GetRawText());
    }
}

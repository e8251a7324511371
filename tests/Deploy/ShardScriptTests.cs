using Xunit;

namespace StressVm.Tests.Deploy;

/// <summary>
/// deploy/k8s/stressvm-shard.sh, the Job's and the coordinator's entry point: the first start fixes the campaign's
/// end in the state directory; a restart after it prints the report and exits with the verdict instead of running
/// the campaign again. Runs the real CLI through a `stressvm` shim on PATH.
/// </summary>
public sealed class ShardScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-shard-").FullName;
    private readonly Dictionary<string, string> _env;

    public ShardScriptTests()
    {
        string bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        string shim = Path.Combine(bin, "stressvm");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet '{typeof(StressVm.Cli.CliApp).Assembly.Location}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _env = new() { ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Shard(params string[] args) =>
        RepoPaths.Run("/bin/sh", [Path.Combine(RepoPaths.Root, "deploy", "k8s", "stressvm-shard.sh"), .. args], TimeSpan.FromMinutes(3), _env);

    [PosixShellFact]
    public void A_restart_after_the_deadline_reports_the_verdict_instead_of_running_again()
    {
        string state = Path.Combine(_dir, "shard-0");
        var first = Shard(state, "600", "--scenarios", "wrprotect-vs-write", "--max-schedules", "1024", "--chunk-size", "1024",
            "--workers", "1", "--no-minimize", "--plain");
        Assert.True(first.Code == 0, $"exit {first.Code}\n{first.Out}\n{first.Err}");
        Assert.Contains("verdict: as expected", first.Out);
        long deadline = long.Parse(File.ReadAllText(Path.Combine(state, "deadline")).Trim());
        Assert.InRange(deadline - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 1, 600); // fixed by the first start

        File.WriteAllText(Path.Combine(state, "deadline"), "1\n"); // as if the 600 s had passed before a restart
        var restarted = Shard(state, "600", "--scenarios", "wrprotect-vs-write", "--max-schedules", "1024");
        Assert.True(restarted.Code == 0, $"exit {restarted.Code}\n{restarted.Out}\n{restarted.Err}");
        Assert.Contains("ended at", restarted.Err);
        Assert.Contains("verdict: as expected", restarted.Out);
        Assert.DoesNotContain("soak stopped", restarted.Out); // no new session ran
    }

    [PosixShellFact]
    public void Bad_arguments_and_a_deadline_with_nothing_run_exit_two()
    {
        Assert.Equal(2, Shard(Path.Combine(_dir, "x")).Code);
        Assert.Equal(2, Shard(Path.Combine(_dir, "x"), "8h").Code); // SECONDS is a number
        var nothing = Shard(Path.Combine(_dir, "empty"), "0");
        Assert.Equal(2, nothing.Code);
        Assert.Contains("no soak journal", nothing.Err);
    }
}

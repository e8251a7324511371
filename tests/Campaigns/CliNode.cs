using System.Diagnostics;
using System.Text;

namespace StressVm.Tests.Campaigns;

/// <summary>A `stressvm` process (the CLI's own build) whose stdout and stderr are kept, for tests that need separate processes.</summary>
public sealed class CliNode : IDisposable
{
    private readonly StringBuilder _log = new();
    public Process Process { get; }
    public string Name { get; }

    public CliNode(string name, params string[] args)
    {
        Name = name;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliProcess.Cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process = new Process { StartInfo = psi };
        Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Append(e.Data).Append('\n'); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Append(e.Data).Append('\n'); };
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    public void Kill()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }
}

/// <summary>Where the CLI's build is.</summary>
public static class CliProcess
{
    /// <summary>
    /// stressvm.dll in the CLI's own output folder: the tests' folder lacks what the ASP.NET Core framework (the
    /// telemetry tests' receiver) provides there, which Akka.Remote's transport loads.
    /// </summary>
    public static readonly string Cli = FindCli();

    private static string FindCli()
    {
        string here = Path.GetDirectoryName(typeof(StressVm.Cli.CliApp).Assembly.Location)!;
        string configuration = new DirectoryInfo(here).Parent!.Name; // .../bin/Release/net10.0
        for (var d = new DirectoryInfo(here); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "cli", "bin", configuration, "net10.0", "stressvm.dll");
            if (File.Exists(Path.Combine(d.FullName, "StressVm.sln")) && File.Exists(candidate)) return candidate;
        }
        return typeof(StressVm.Cli.CliApp).Assembly.Location;
    }

    /// <summary>Runs `stressvm ARGS` to its end (at most <paramref name="timeout"/>); its exit code and what it printed.</summary>
    public static (int Code, string Out, string Err) Run(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"stressvm {string.Join(' ', args)} still running after {timeout}");
        }
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace StressVm.Conform;

/// <summary>A failure of the host's tools (a package that will not install, a compiler error): one line for the user.</summary>
public sealed class GuestException(string message) : Exception(message);

/// <summary>Runs host programs with a time bound; the child (and its children) are killed on timeout, always.</summary>
public static class HostTools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    public static Result Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workDir = null,
        IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workDir is not null) psi.WorkingDirectory = workDir;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = new Process { StartInfo = psi };
        var o = new StringBuilder();
        var e = new StringBuilder();
        p.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (o) o.AppendLine(d.Data); };
        p.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (e) e.AppendLine(d.Data); };
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GuestException($"cannot start '{file}': not installed or not on PATH");
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        // Ctrl-C or a TERM to stressvm must not leave the child (a QEMU) running.
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Kill(p));
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Kill(p));
        bool done = false;
        try
        {
            done = p.WaitForExit(timeout);
            if (done) p.WaitForExit(); // drain the output handlers
        }
        finally
        {
            if (!done) Kill(p);
        }
        lock (o) lock (e) return new Result(done ? p.ExitCode : -1, o.ToString(), e.ToString(), !done);
    }

    /// <summary>Kills the process tree and waits for it; safe on a process that already exited.</summary>
    public static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public static Result Check(string file, IEnumerable<string> args, TimeSpan timeout, string what, string? workDir = null)
    {
        var r = Run(file, args, timeout, workDir);
        if (r.TimedOut) throw new GuestException($"{what}: timed out after {timeout.TotalSeconds:0} s");
        if (r.ExitCode != 0)
            throw new GuestException($"{what}: exit {r.ExitCode}: {FirstLine(r.Stderr.Length > 0 ? r.Stderr : r.Stdout)}");
        return r;
    }

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, name)));

    public static string FirstLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The most telling line of a tool's error output is usually the last "error"/"E:" one.
        return lines.LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.StartsWith("E:", StringComparison.Ordinal))
            ?? lines.FirstOrDefault() ?? "(no output)";
    }
}

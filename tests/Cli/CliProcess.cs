using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace StressVm.Tests.Cli;

/// <summary>
/// Runs the `stressvm` entry point as a child process (`dotnet stressvm.dll ...`), the way CI and Kubernetes
/// run it: its own stdout/stderr, its own signals, its real exit code. Every wait is bounded.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    public static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    private CliProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(StressVm.Cli.CliApp).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Telemetry off unless a test sets it: the machine's OTEL_* variables must not reach a collector.
        psi.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        psi.Environment.Remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        _p = new Process { StartInfo = psi };
        _p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.Append(e.Data).Append('\n'); };
        _p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.Append(e.Data).Append('\n'); };
        _p.Start();
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
    }

    public static CliProcess Start(IReadOnlyDictionary<string, string>? env, params string[] args) => new(args, env);

    /// <summary>Runs to the end (bounded); fails the test if it does not end within <see cref="Generous"/>.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(null, args);

    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = new CliProcess(args, env);
        return p.WaitForExit(Generous);
    }

    public string Out { get { lock (_out) return _out.ToString(); } }
    public string Err { get { lock (_err) return _err.ToString(); } }

    /// <summary>Waits (bounded) until stderr contains <paramref name="text"/>; false if the process ended or the time ran out first.</summary>
    public bool WaitForErr(string text, TimeSpan within)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < within)
        {
            if (Err.Contains(text, StringComparison.Ordinal)) return true;
            if (_p.HasExited) return false;
            Thread.Sleep(50);
        }
        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public void SendSigterm()
    {
        if (kill(_p.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the exit; a process still running after <paramref name="within"/> is killed and the test fails.</summary>
    public (int Code, string Out, string Err) WaitForExit(TimeSpan within)
    {
        if (!_p.WaitForExit(within))
        {
            try { _p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _p.WaitForExit();
            throw new Xunit.Sdk.XunitException($"stressvm did not exit within {within}; stderr:\n{Err}");
        }
        _p.WaitForExit(); // drains the redirected streams
        return (_p.ExitCode, Out, Err);
    }

    public void Dispose()
    {
        if (!_p.HasExited) { try { _p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
        _p.Dispose();
    }
}

using System.Runtime.InteropServices;

namespace StressVm.Cli.Common;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (what CI time-outs and Kubernetes send) as one request: "stop after the current
/// schedule, flush, print the summary and exit with the verdict's code". The first signal is caught; a second
/// one gets the default action and ends the process at once.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Action<string>? _onFirst;
    private readonly List<PosixSignalRegistration> _registrations = new();
    private int _signals;
    private volatile string? _name;

    public StopSignal(Action<string>? onFirst = null)
    {
        _onFirst = onFirst;
        foreach (var s in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try { _registrations.Add(PosixSignalRegistration.Create(s, Handle)); }
            catch (PlatformNotSupportedException) { } // a platform without that signal: nothing to catch
        }
    }

    /// <summary>True once a stop was requested.</summary>
    public bool Stopped => _cts.IsCancellationRequested;

    /// <summary>"Ctrl-C" or "SIGTERM": what asked for the stop (null before).</summary>
    public string? Name => _name;

    public CancellationToken Token => _cts.Token;

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1) return; // the second signal: default action, the process ends
        context.Cancel = true;
        _name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C";
        _onFirst?.Invoke(_name);
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}

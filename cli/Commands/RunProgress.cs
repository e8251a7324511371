using StressVm.Cli.Common;

namespace StressVm.Cli;

/// <summary>
/// Progress of a long `run` on stderr (a line every 2 s once the run has taken 2 s; rewritten in place on a
/// terminal), and Ctrl-C or SIGTERM as "stop after the current schedule and print the summary of what ran".
/// </summary>
internal sealed class RunProgress : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private readonly int _total;
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private TimeSpan _next = Every;
    private bool _printed;
    private readonly StopSignal _signal = new();

    public RunProgress(int total) => _total = total;

    public bool Stopped => _signal.Stopped;

    /// <summary>"Ctrl-C" or "SIGTERM" once a stop was requested.</summary>
    public string? StoppedBy => _signal.Name;

    public void Tick(int done, TimeSpan elapsed, int findings)
    {
        if (elapsed < _next) return;
        _next = elapsed + Every;
        double rate = done / Math.Max(1e-9, elapsed.TotalSeconds);
        string eta = rate > 0 ? TimeSpan.FromSeconds((_total - done) / rate).ToString(@"hh\:mm\:ss") : "?";
        string line = $"[run] {done:N0}/{_total:N0} schedules, {rate:N0}/s, {findings} invariant(s) violated, {eta} left";
        if (_terminal) Console.Error.Write("\r" + line + "   ");
        else Console.Error.WriteLine(line);
        _printed = true;
    }

    /// <summary>Ends the in-place line before the summary.</summary>
    public void Clear()
    {
        if (_printed && _terminal) Console.Error.WriteLine();
        _printed = false;
    }

    public void Dispose() => _signal.Dispose();
}

using System.Net;
using System.Net.Sockets;

namespace StressVm.Tests.Telemetry;

/// <summary>
/// A "collector" on 127.0.0.1 that accepts every TCP connection and never answers (no HTTP/2 settings, no
/// response, no close): the case that used to hold every command's exit for the whole export timeout.
/// </summary>
internal sealed class BlackHoleCollector : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public BlackHoleCollector()
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    public int Accepted { get { lock (_held) return _held.Count; } }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var c = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held) _held.Add(c); // kept open, never read from nor written to
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        lock (_held) foreach (var c in _held) c.Dispose();
    }
}

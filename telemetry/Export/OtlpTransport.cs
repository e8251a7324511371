using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace StressVm.Telemetry;

/// <summary>A failed export attempt; <see cref="Retryable"/> says whether trying again may help.</summary>
public sealed class OtlpExportException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

/// <summary>Sends one encoded <c>ExportTraceServiceRequest</c>. Throws on failure; the exporter's pipeline retries.</summary>
public interface IOtlpTransport : IDisposable
{
    Uri Target { get; }
    Task SendAsync(byte[] request, CancellationToken cancel);
}

/// <summary>OTLP over HTTP: POST the protobuf to {endpoint}/v1/traces.</summary>
public sealed class OtlpHttpProtobufTransport : IOtlpTransport
{
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string> _headers;

    public OtlpHttpProtobufTransport(TelemetryOptions options)
    {
        Target = options.ResolveTracesUri();
        _headers = options.Headers;
        _http = OtlpHttp.CreateClient(options);
    }

    public Uri Target { get; }

    public async Task SendAsync(byte[] request, CancellationToken cancel)
    {
        using var msg = new HttpRequestMessage(HttpMethod.Post, Target) { Content = new ByteArrayContent(request) };
        msg.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        OtlpHttp.AddHeaders(msg, _headers);
        using var resp = await _http.SendAsync(msg, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false);
        if (resp.IsSuccessStatusCode) return;
        int code = (int)resp.StatusCode;
        bool retryable = code is 429 or 502 or 503 or 504;
        throw new OtlpExportException($"HTTP {code} {resp.ReasonPhrase}", retryable);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// OTLP over gRPC, by hand: one unary call to TraceService/Export over HTTP/2 (h2c for http:// addresses),
/// the message framed as gRPC wants (compressed flag, big-endian length, protobuf); the verdict is grpc-status.
/// </summary>
public sealed class OtlpGrpcTransport : IOtlpTransport
{
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string> _headers;

    public OtlpGrpcTransport(TelemetryOptions options)
    {
        Target = options.ResolveTracesUri();
        _headers = options.Headers;
        _http = OtlpHttp.CreateClient(options);
    }

    public Uri Target { get; }

    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 5];
        framed[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    public async Task SendAsync(byte[] request, CancellationToken cancel)
    {
        using var msg = new HttpRequestMessage(HttpMethod.Post, Target)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(request)),
        };
        msg.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        msg.Headers.TryAddWithoutValidation("te", "trailers");
        OtlpHttp.AddHeaders(msg, _headers);
        using var resp = await _http.SendAsync(msg, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
        if (resp.StatusCode != HttpStatusCode.OK)
        {
            int code = (int)resp.StatusCode;
            throw new OtlpExportException($"HTTP {code} {resp.ReasonPhrase} from a gRPC endpoint", code is 429 or 502 or 503 or 504);
        }
        await resp.Content.ReadAsByteArrayAsync(cancel).ConfigureAwait(false); // trailers arrive after the body
        string? status = Header(resp.TrailingHeaders, "grpc-status") ?? Header(resp.Headers, "grpc-status");
        if (status is null) throw new OtlpExportException("gRPC response without grpc-status", retryable: true);
        if (status == "0") return;
        string message = Uri.UnescapeDataString(Header(resp.TrailingHeaders, "grpc-message") ?? Header(resp.Headers, "grpc-message") ?? "");
        bool retryable = status is "1" or "4" or "8" or "10" or "11" or "14" or "15";
        throw new OtlpExportException($"gRPC status {status} {message}".TrimEnd(), retryable);
    }

    private static string? Header(HttpHeaders h, string name) =>
        h.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}

internal static class OtlpHttp
{
    public static HttpClient CreateClient(TelemetryOptions o)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = o.EffectiveAttemptTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public static void AddHeaders(HttpRequestMessage msg, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (k, v) in headers) msg.Headers.TryAddWithoutValidation(k, v);
    }

    public static IOtlpTransport Create(TelemetryOptions o) =>
        o.Protocol == OtlpProtocol.Grpc ? new OtlpGrpcTransport(o) : new OtlpHttpProtobufTransport(o);
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StressVm.Telemetry;
using StressVm.Tests.Telemetry.Otlp;

namespace StressVm.Tests.Telemetry;

/// <summary>How the loopback collector behaves.</summary>
internal enum ReceiverMode { Accept, Refuse503, Slow }

/// <summary>
/// A tiny OTLP trace collector for tests: Kestrel on 127.0.0.1, port 0. For http/protobuf it serves
/// POST /v1/traces over HTTP/1.1; for gRPC, the unary TraceService/Export over cleartext HTTP/2 with gRPC
/// framing and grpc-status trailers. Every request is decoded with the tests' own minimal .proto.
/// </summary>
internal sealed class OtlpLoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    public ConcurrentQueue<RxExportTraceServiceRequest> Requests { get; } = new();
    public ConcurrentQueue<string> ContentTypes { get; } = new();
    public ConcurrentQueue<string> Protocols { get; } = new();
    public int Calls => _calls;
    public int MetricsCalls => _metricsCalls;
    private int _metricsCalls;
    private int _calls;

    public ReceiverMode Mode { get; }
    public OtlpProtocol Protocol { get; }
    public Uri Endpoint { get; private set; } = null!;

    private OtlpLoopbackReceiver(OtlpProtocol protocol, ReceiverMode mode)
    {
        Protocol = protocol;
        Mode = mode;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocol == OtlpProtocol.Grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        _app = builder.Build();
        _app.MapPost(TelemetryOptions.HttpTracesPath, HandleHttp);
        _app.MapPost(TelemetryOptions.GrpcExportPath, HandleGrpc);
        _app.MapPost("/v1/metrics", async ctx =>
        {
            await ReadAll(ctx.Request.Body);
            Interlocked.Increment(ref _metricsCalls);
            ctx.Response.ContentType = "application/x-protobuf";
        });
    }

    public static async Task<OtlpLoopbackReceiver> StartAsync(OtlpProtocol protocol, ReceiverMode mode = ReceiverMode.Accept)
    {
        var r = new OtlpLoopbackReceiver(protocol, mode);
        await r._app.StartAsync();
        string address = r._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        r.Endpoint = new Uri(address);
        return r;
    }

    /// <summary>All spans received, with the service.name of their resource.</summary>
    public List<(string Service, RxSpan Span)> Spans() =>
        Requests.SelectMany(req => req.ResourceSpans.SelectMany(rs =>
            rs.ScopeSpans.SelectMany(ss => ss.Spans.Select(s => (ServiceOf(rs), s))))).ToList();

    public static string ServiceOf(RxResourceSpans rs) =>
        rs.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue;

    public async Task<bool> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (Requests.Count < count && DateTime.UtcNow < end) await Task.Delay(10);
        return Requests.Count >= count;
    }

    private async Task<bool> Misbehave(HttpContext ctx)
    {
        Interlocked.Increment(ref _calls);
        if (Mode == ReceiverMode.Slow)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(20), _stopping.Token); } catch (OperationCanceledException) { }
            return true;
        }
        if (Mode == ReceiverMode.Refuse503)
        {
            ctx.Response.StatusCode = 503;
            return true;
        }
        return false;
    }

    private async Task HandleHttp(HttpContext ctx)
    {
        if (await Misbehave(ctx)) return;
        ContentTypes.Enqueue(ctx.Request.ContentType ?? "");
        Protocols.Enqueue(ctx.Request.Protocol);
        var body = await ReadAll(ctx.Request.Body);
        Requests.Enqueue(RxExportTraceServiceRequest.Parser.ParseFrom(body));
        ctx.Response.ContentType = "application/x-protobuf";
        await ctx.Response.Body.WriteAsync(new RxExportTraceServiceResponse().ToByteArray());
    }

    private async Task HandleGrpc(HttpContext ctx)
    {
        if (Mode == ReceiverMode.Refuse503)
        {
            // A gRPC server refuses with status 200 and grpc-status UNAVAILABLE.
            Interlocked.Increment(ref _calls);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.StartAsync();
            ctx.Response.AppendTrailer("grpc-status", "14");
            ctx.Response.AppendTrailer("grpc-message", "overloaded");
            return;
        }
        if (await Misbehave(ctx)) return;
        ContentTypes.Enqueue(ctx.Request.ContentType ?? "");
        Protocols.Enqueue(ctx.Request.Protocol);
        var body = await ReadAll(ctx.Request.Body);
        if (body.Length < 5 || body[0] != 0) throw new InvalidDataException("bad gRPC frame");
        int len = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        if (len != body.Length - 5) throw new InvalidDataException($"gRPC frame says {len} bytes, body has {body.Length - 5}");
        Requests.Enqueue(RxExportTraceServiceRequest.Parser.ParseFrom(body, 5, len));
        ctx.Response.ContentType = "application/grpc";
        var reply = new RxExportTraceServiceResponse().ToByteArray();
        var framed = new byte[reply.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)reply.Length);
        reply.CopyTo(framed, 5);
        await ctx.Response.Body.WriteAsync(framed);
        ctx.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<byte[]> ReadAll(Stream s)
    {
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _app.StopAsync(cts.Token); } catch { }
        await _app.DisposeAsync();
    }
}

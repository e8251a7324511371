using Akka.Actor;
using Akka.Serialization;
using System.Runtime.Serialization;
using Google.Protobuf;

namespace StressVm.Campaign.Protocol;

/// <summary>
/// The campaign's messages on the wire: protobuf bytes and a short manifest per message ("work", "chunk-done"...).
/// No .NET type name is ever written or read, so a remote node can make this side build nothing but these
/// messages; an unknown manifest is an error, never a guess.
/// </summary>
public sealed class CampaignSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka's serializer id of this serializer (ids 0-100 are Akka's own).</summary>
    public const int Id = 4713;

    private static readonly Dictionary<Type, string> Manifests = new()
    {
        [typeof(Hello)] = "hello",
        [typeof(Welcome)] = "welcome",
        [typeof(Refused)] = "refused",
        [typeof(RequestWork)] = "request-work",
        [typeof(Work)] = "work",
        [typeof(NoWork)] = "no-work",
        [typeof(ChunkDone)] = "chunk-done",
        [typeof(ChunkAbandoned)] = "chunk-abandoned",
        [typeof(FailureDiscovered)] = "failure",
        [typeof(InternalErrorSeen)] = "internal-error",
        [typeof(WorkerCrashed)] = "worker-crashed",
        [typeof(MinimizeFailure)] = "minimize",
        [typeof(FailureMinimized)] = "minimized",
        [typeof(MinimizationFailed)] = "minimize-failed",
        [typeof(StopWork)] = "stop",
    };

    private static readonly Dictionary<string, MessageParser> Parsers = new(StringComparer.Ordinal)
    {
        ["hello"] = Hello.Parser,
        ["welcome"] = Welcome.Parser,
        ["refused"] = Refused.Parser,
        ["request-work"] = RequestWork.Parser,
        ["work"] = Work.Parser,
        ["no-work"] = NoWork.Parser,
        ["chunk-done"] = ChunkDone.Parser,
        ["chunk-abandoned"] = ChunkAbandoned.Parser,
        ["failure"] = FailureDiscovered.Parser,
        ["internal-error"] = InternalErrorSeen.Parser,
        ["worker-crashed"] = WorkerCrashed.Parser,
        ["minimize"] = MinimizeFailure.Parser,
        ["minimized"] = FailureMinimized.Parser,
        ["minimize-failed"] = MinimizationFailed.Parser,
        ["stop"] = StopWork.Parser,
    };

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var m) ? m : throw new ArgumentException($"not a campaign message: {o.GetType().Name}");

    public override byte[] ToBinary(object obj) =>
        obj is IMessage m && Manifests.ContainsKey(obj.GetType()) ? m.ToByteArray() : throw new ArgumentException($"not a campaign message: {obj.GetType().Name}");

    public override object FromBinary(byte[] bytes, string manifest) =>
        Parsers.TryGetValue(manifest, out var p) ? p.ParseFrom(bytes) : throw new SerializationException($"unknown campaign message '{manifest}'");
}

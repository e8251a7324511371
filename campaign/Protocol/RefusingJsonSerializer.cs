using Akka.Actor;
using Akka.Serialization;

namespace StressVm.Campaign.Protocol;

/// <summary>
/// Takes the place of Akka's default JSON serializer (id 1), which writes and reads .NET type names: a remote
/// message that names a type would otherwise make this node build it. Every message here has an explicit
/// serializer (the campaign's, or Akka's own protobuf ones for cluster traffic), so anything that falls back
/// to JSON is refused, on the way out and on the way in.
/// </summary>
public sealed class RefusingJsonSerializer : Serializer
{
    public RefusingJsonSerializer(ExtendedActorSystem system) : base(system) { }

    /// <summary>Akka builds the "json" entry with its serialization-settings.json section.</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system, Akka.Configuration.Config _) : base(system) { }

    public override int Identifier => 1;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new System.Runtime.Serialization.SerializationException($"no explicit serializer for {obj.GetType().Name}: not sent");

    public override object FromBinary(byte[] bytes, Type? type) =>
        throw new System.Runtime.Serialization.SerializationException("a message in Akka's JSON format (with .NET type names) was refused");
}

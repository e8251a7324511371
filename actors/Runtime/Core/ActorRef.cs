namespace StressVm.Runtime;

/// <summary>
/// A handle to an actor of one <see cref="ActorSystem"/>. A value type: copying it allocates nothing.
/// The <see cref="ActorRef"/> that <see cref="Actor.Sender"/> returns while an Ask is being handled
/// carries the ask id, so <c>Sender.Tell(reply)</c> completes the asker's await (Akka's pattern).
/// </summary>
public readonly struct ActorRef : IEquatable<ActorRef>
{
    internal readonly ActorSystem? System;
    /// <summary>Index of the actor in its system, stable across resets for root actors.</summary>
    public readonly int Id;
    internal readonly int AskId;

    internal ActorRef(ActorSystem system, int id, int askId = 0)
    {
        System = system;
        Id = id;
        AskId = askId;
    }

    public static ActorRef Nobody => default;
    public bool IsNobody => System is null;
    public string Name => System is null ? "nobody" : System.NameOf(Id);

    /// <summary>Sends a message; the sender is the actor whose handler is running (or nobody outside one).</summary>
    public void Tell(object message) => Tell(message, System?.CurrentSenderRef ?? Nobody);

    public void Tell(object message, ActorRef sender)
    {
        if (System is null) throw new InvalidOperationException("Tell to ActorRef.Nobody");
        System.Post(Id, message, sender.IsNobody ? -1 : sender.Id, AskId, AskId != 0 ? EnvelopeKind.Reply : EnvelopeKind.Normal);
    }

    /// <summary>Sends an interrupt: delivered even while the receiver is suspended in an Ask, unless it masked interrupts.</summary>
    public void TellInterrupt(object message)
    {
        if (System is null) throw new InvalidOperationException("TellInterrupt to ActorRef.Nobody");
        var s = System.CurrentSenderRef;
        System.Post(Id, message, s.IsNobody ? -1 : s.Id, 0, EnvelopeKind.Interrupt);
    }

    public bool Equals(ActorRef other) => ReferenceEquals(System, other.System) && Id == other.Id;
    public override bool Equals(object? obj) => obj is ActorRef r && Equals(r);
    public override int GetHashCode() => Id;
    public static bool operator ==(ActorRef a, ActorRef b) => a.Equals(b);
    public static bool operator !=(ActorRef a, ActorRef b) => !a.Equals(b);
    public override string ToString() => Name;
}

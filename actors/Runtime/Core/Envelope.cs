namespace StressVm.Runtime;

/// <summary>What an envelope carries: an ordinary message, the reply to an Ask, or an interrupt.</summary>
public enum EnvelopeKind : byte
{
    Normal = 0,
    Reply = 1,
    Interrupt = 2,
}

/// <summary>A message in a mailbox. A struct: queuing allocates nothing once the queue has grown.</summary>
internal struct Envelope
{
    public object Message;
    public int Sender;
    public int AskId;
    /// <summary>The step that posted it (-1: before any step): the causal edge exploration needs.</summary>
    public int PostedAt;
    public EnvelopeKind Kind;
}

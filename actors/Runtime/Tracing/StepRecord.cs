namespace StressVm.Runtime;

/// <summary>One step of a run: which actor took which message from whom.</summary>
public readonly record struct StepRecord(
    int Index,
    int Actor,
    int Sender,
    EnvelopeKind Kind,
    object Message)
{
    public string MessageType => Message.GetType().Name;
}

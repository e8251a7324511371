using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// An acquisition request. Each kernel actor owns one and refills it for every acquisition: it has at most
/// one Ask outstanding, so the object is free again once the owner has read it. No allocation per step.
/// </summary>
public sealed class LockRequest
{
    public LockState Lock = null!;
    public LockMode Mode;
    public override string ToString() => $"{Mode} {Lock.Name}";
}

/// <summary>The reply to a lock request.</summary>
public sealed class LockReply
{
    public static readonly LockReply Granted = new(true);
    public static readonly LockReply Busy = new(false);
    private LockReply(bool granted) => IsGranted = granted;
    public bool IsGranted { get; }
    public override string ToString() => IsGranted ? "granted" : "busy";
}

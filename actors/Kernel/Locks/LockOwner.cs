using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// The actor that grants a family of locks (mmap_lock, the PTLs, page locks, i_mmap_rwsem). Handling a
/// request is a scheduling step of its own, so every acquisition is an interleaving point.
/// </summary>
public sealed class LockOwner : Actor
{
    private readonly List<LockState> _locks = new();

    public LockOwner()
    {
        Receive<LockRequest>(OnRequest);
    }

    /// <summary>Registers a lock this actor grants (for deadlock reports).</summary>
    public void Own(LockState l)
    {
        l.Owner = this;
        if (!_locks.Contains(l)) _locks.Add(l);
    }

    public void ClearOwned() => _locks.Clear();

    /// <summary>The running step reads or changes <paramref name="l"/>'s state (whoever runs it: a grant, a release).</summary>
    internal void TouchLock(LockState l, bool write)
    {
        if (IsRecordingFootprint) Touch(l.FootprintKey, write);
    }

    /// <summary>Which of <paramref name="waiters"/> queued waiters gets a released sleeping lock: a recorded choice.</summary>
    internal int ChooseWaiter(int waiters) => Choose(waiters);

    private void OnRequest(LockRequest req)
    {
        var sender = Sender;
        // A grant reads and writes this lock's state only (TryAcquire declares it).
        if (req.Lock.TryAcquire(sender.Id, req.Mode, sender, out bool queued))
            sender.Tell(LockReply.Granted, Self);
        else if (!queued)
            sender.Tell(LockReply.Busy, Self);
    }

    /// <summary>A hold of <paramref name="l"/> by <paramref name="actor"/> begins: a span on this lock's lane (traced runs only).</summary>
    internal void HoldBegins(LockState l, int actor, bool write)
    {
        if (IsTracing) BeginHold(HoldName(l, actor), write ? "write" : "read");
    }

    internal void HoldEnds(LockState l, int actor)
    {
        if (IsTracing) EndHold(HoldName(l, actor));
    }

    private string HoldName(LockState l, int actor) => $"{l.Name} held by {System.NameOf(actor)}";

    protected override bool TryReset() => true;

    protected override ActorRef HolderFor(ActorRef waiter)
    {
        foreach (var l in _locks)
            if (l.IsWaiting(waiter.Id) && l.Holders.Count > 0) return System.RefOf(l.Holders[0]);
        return ActorRef.Nobody;
    }
}

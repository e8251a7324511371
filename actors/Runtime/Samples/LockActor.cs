namespace StressVm.Runtime.Samples;

public sealed record Acquire
{
    public static readonly Acquire Instance = new();
}

public sealed record Granted
{
    public static readonly Granted Instance = new();
}

public sealed record Release
{
    public static readonly Release Instance = new();
}

/// <summary>
/// A mutex as an actor: Acquire is an Ask answered when the lock is free, so a waiter is suspended (not
/// enabled) until granted. Tells deadlock reports who holds it.
/// </summary>
public sealed class LockActor : Actor
{
    private readonly Queue<ActorRef> _waiters = new();
    private ActorRef _owner = ActorRef.Nobody;

    public LockActor()
    {
        Receive<Acquire>(_ =>
        {
            if (_owner.IsNobody)
            {
                _owner = Sender;
                Sender.Tell(Granted.Instance, Self);
            }
            else _waiters.Enqueue(Sender);
        });
        Receive<Release>(_ =>
        {
            if (Sender != _owner) ReportViolation("lock-misuse", $"{Sender.Name} released a lock held by {_owner.Name}");
            _owner = ActorRef.Nobody;
            if (_waiters.Count > 0)
            {
                _owner = _waiters.Dequeue();
                _owner.Tell(Granted.Instance, Self);
            }
        });
    }

    public ActorRef Owner => _owner;

    protected internal override ActorRef HolderFor(ActorRef waiter) => _owner;

    protected internal override string DescribeState() => _owner.IsNobody ? "free" : $"held by {_owner.Name}";

    protected internal override bool TryReset()
    {
        _waiters.Clear();
        _owner = ActorRef.Nobody;
        return true;
    }
}

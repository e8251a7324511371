using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// One lock's state, owned by a <see cref="LockOwner"/> actor: acquiring it is an Ask to that actor (a
/// scheduling point); releasing is a plain call by the holder that hands the lock to the next waiter by
/// replying to its Ask. Waiters are served FIFO; a reader queues behind a waiting writer, as rwsems do.
/// </summary>
public sealed class LockState
{
    private struct Waiter { public ActorRef ReplyTo; public int Actor; public bool Write; }

    private Waiter[] _waiters = new Waiter[4];
    private int _head, _count;
    private readonly List<int> _holders = new(2);

    public LockState(string name, LockKind kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; set; }
    public LockKind Kind { get; }
    /// <summary>The actor that grants this lock; set when the kernel state is wired to a system.</summary>
    public LockOwner? Owner { get; set; }

    public int Readers { get; private set; }
    public int Writer { get; private set; } = -1;
    public bool IsLocked => Readers > 0 || Writer >= 0;
    public int WaiterCount => _count;
    public IReadOnlyList<int> Holders => _holders;

    public void Reset()
    {
        Readers = 0;
        Writer = -1;
        _head = 0;
        _count = 0;
        _holders.Clear();
        Array.Clear(_waiters);
    }

    public bool HeldBy(int actor) => _holders.Contains(actor);

    private bool CanGrant(bool write) => write ? Writer < 0 && Readers == 0 : Writer < 0;

    /// <summary>Called by the owner actor: grant now (true), or queue the waiter / fail a trylock (false).</summary>
    internal bool TryAcquire(int actor, LockMode mode, ActorRef replyTo, out bool queued)
    {
        bool write = mode is LockMode.Write or LockMode.TryWrite || Kind != LockKind.RwSem;
        bool isTry = mode is LockMode.TryRead or LockMode.TryWrite;
        queued = false;
        if (_holders.Contains(actor))
            throw new InvalidOperationException($"{Name}: recursive acquisition by actor #{actor} (self-deadlock in the model)");
        if (_count == 0 && CanGrant(write))
        {
            Take(actor, write);
            return true;
        }
        if (isTry) return false;
        if (_count == _waiters.Length) Grow();
        _waiters[(_head + _count) % _waiters.Length] = new Waiter { ReplyTo = replyTo, Actor = actor, Write = write };
        _count++;
        queued = true;
        return false;
    }

    private void Take(int actor, bool write)
    {
        if (write) Writer = actor;
        else Readers++;
        _holders.Add(actor);
        Owner?.HoldBegins(this, actor, write);
    }

    /// <summary>Releases the holder's hold and grants queued waiters in FIFO order.</summary>
    public void Release(int actor)
    {
        if (!_holders.Remove(actor)) throw new InvalidOperationException($"{Name}: released by actor #{actor}, which does not hold it");
        Owner?.HoldEnds(this, actor);
        if (Writer == actor) Writer = -1;
        else Readers--;
        GrantWaiters();
    }

    /// <summary>down_write -> down_read without letting a writer in between (mmap_write_downgrade).</summary>
    public void Downgrade(int actor)
    {
        if (Writer != actor) throw new InvalidOperationException($"{Name}: downgrade by a non-writer");
        Writer = -1;
        Readers++;
        GrantWaiters();
    }

    private void GrantWaiters()
    {
        while (_count > 0)
        {
            ref var w = ref _waiters[_head];
            if (!CanGrant(w.Write)) break;
            var grant = w;
            w = default;
            _head = (_head + 1) % _waiters.Length;
            _count--;
            Take(grant.Actor, grant.Write);
            grant.ReplyTo.Tell(LockReply.Granted, Owner!.Self);
            if (grant.Write) break;
        }
    }

    /// <summary>True when <paramref name="actor"/> is queued on this lock.</summary>
    public bool IsWaiting(int actor)
    {
        for (int i = 0; i < _count; i++)
            if (_waiters[(_head + i) % _waiters.Length].Actor == actor) return true;
        return false;
    }

    private void Grow()
    {
        var n = new Waiter[_waiters.Length * 2];
        for (int i = 0; i < _count; i++) n[i] = _waiters[(_head + i) % _waiters.Length];
        _waiters = n;
        _head = 0;
    }

    public override string ToString() => Name;
}

using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// One lock's state, owned by a <see cref="LockOwner"/> actor: acquiring it is an Ask to that actor (a
/// scheduling point); releasing is a plain call by the holder that hands the lock to a waiter by replying to
/// its Ask. A new request queues behind waiters (a reader behind a waiting writer, as rwsems do).
/// Who gets a released lock:
/// - <see cref="LockKind.Spin"/> (the PTLs): FIFO. Queued spinlocks (kernel/locking/qspinlock.c) hand the lock
///   down their MCS queue in arrival order.
/// - <see cref="LockKind.Mutex"/> (page lock, driver mutexes) and <see cref="LockKind.RwSem"/> (mmap_lock,
///   i_mmap_rwsem): a recorded choice among the waiters. The kernel does not order them: mutex_unlock()
///   wakes the first waiter but an optimistic spinner or a new caller may take the lock before it
///   (__mutex_trylock, no handoff until the waiter starves); folio_unlock() clears PG_locked before
///   folio_wake_bit() and a folio_trylock() may win; rwsem_wake() -&gt; rwsem_mark_wake() competes with
///   writers stealing the lock (rwsem_try_write_lock before RWSEM_FLAG_HANDOFF) and wakes every waiting
///   reader at once (so a chosen reader brings the other queued readers with it).
/// A task asking for a lock it holds queues behind itself: on a kernel that is a hang (the deadlock oracle
/// reports it with its wait-for cycle), not an error of StressVm.
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
        bool recursive = _holders.Contains(actor) && (write || Writer == actor);
        if (_count == 0 && !recursive && CanGrant(write))
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

    /// <summary>Releases the holder's hold and hands the lock to waiters; true when a waiter was woken.</summary>
    public bool Release(int actor)
    {
        if (!_holders.Remove(actor)) throw new InvalidOperationException($"{Name}: released by actor #{actor}, which does not hold it");
        Owner?.HoldEnds(this, actor);
        if (Writer == actor) Writer = -1;
        else Readers--;
        return GrantWaiters();
    }

    /// <summary>down_write -> down_read without letting a writer in between (mmap_write_downgrade).</summary>
    public bool Downgrade(int actor)
    {
        if (Writer != actor) throw new InvalidOperationException($"{Name}: downgrade by a non-writer");
        Writer = -1;
        Readers++;
        return GrantWaiters();
    }

    private bool GrantWaiters()
    {
        if (_count == 0) return false;
        if (Kind != LockKind.Spin && _count > 1 && Owner is not null)
        {
            // Sleeping lock: which waiter wins is not ordered by the kernel (see the class comment).
            int pick = Owner.ChooseWaiter(_count);
            if (pick > 0) MoveToHead(pick);
        }
        bool woke = false;
        while (_count > 0)
        {
            ref var w = ref _waiters[_head];
            if (!CanGrant(w.Write) || (_holders.Contains(w.Actor) && (w.Write || Writer == w.Actor))) break;
            var grant = w;
            w = default;
            _head = (_head + 1) % _waiters.Length;
            _count--;
            Take(grant.Actor, grant.Write);
            grant.ReplyTo.Tell(LockReply.Granted, Owner!.Self);
            woke = true;
            if (grant.Write) break;
            // rwsem_mark_wake(): a woken reader wakes every queued reader, writers stay queued.
            if (Kind == LockKind.RwSem) WakeQueuedReaders();
        }
        return woke;
    }

    private void WakeQueuedReaders()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            var w = _waiters[(_head + i) % _waiters.Length];
            if (!w.Write && !_holders.Contains(w.Actor))
            {
                Take(w.Actor, false);
                w.ReplyTo.Tell(LockReply.Granted, Owner!.Self);
                continue;
            }
            _waiters[(_head + kept) % _waiters.Length] = w;
            kept++;
        }
        for (int i = kept; i < _count; i++) _waiters[(_head + i) % _waiters.Length] = default;
        _count = kept;
    }

    /// <summary>Moves the waiter at queue position <paramref name="pos"/> to the head, the others keeping their order.</summary>
    private void MoveToHead(int pos)
    {
        int n = _waiters.Length;
        var w = _waiters[(_head + pos) % n];
        for (int i = pos; i > 0; i--) _waiters[(_head + i) % n] = _waiters[(_head + i - 1) % n];
        _waiters[_head] = w;
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

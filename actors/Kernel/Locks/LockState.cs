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

    // Every member a step reads or changes the state through declares this lock to verify (Touched): a grant
    // then commutes with the steps of tasks that never look at this lock.
    private int _readers;
    private int _writer = -1;
    private string? _keyName;
    private long _key;

    public int Readers { get { Touched(false); return _readers; } }
    public int Writer { get { Touched(false); return _writer; } }
    public bool IsLocked { get { Touched(false); return _readers > 0 || _writer >= 0; } }
    public int WaiterCount { get { Touched(false); return _count; } }
    public IReadOnlyList<int> Holders { get { Touched(false); return _holders; } }

    /// <summary>This lock's resource for verify's footprints (<see cref="LockFootprint"/>), kept while the name stays.</summary>
    internal long FootprintKey
    {
        get
        {
            if (!ReferenceEquals(_keyName, Name)) { _key = LockFootprint.Of(this); _keyName = Name; }
            return _key;
        }
    }

    private void Touched(bool write) => Owner?.TouchLock(this, write);

    public void Reset()
    {
        _readers = 0;
        _writer = -1;
        _head = 0;
        _count = 0;
        _holders.Clear();
        Array.Clear(_waiters);
    }

    public bool HeldBy(int actor)
    {
        Touched(false);
        return _holders.Contains(actor);
    }

    private bool CanGrant(bool write) => write ? _writer < 0 && _readers == 0 : _writer < 0;

    /// <summary>Called by the owner actor: grant now (true), or queue the waiter / fail a trylock (false).</summary>
    internal bool TryAcquire(int actor, LockMode mode, ActorRef replyTo, out bool queued)
    {
        bool write = mode is LockMode.Write or LockMode.TryWrite || Kind != LockKind.RwSem;
        bool isTry = mode is LockMode.TryRead or LockMode.TryWrite;
        queued = false;
        Touched(true);
        bool recursive = _holders.Contains(actor) && (write || _writer == actor);
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
        if (write) _writer = actor;
        else _readers++;
        _holders.Add(actor);
        Owner?.HoldBegins(this, actor, write);
    }

    /// <summary>Releases the holder's hold and hands the lock to waiters; true when a waiter was woken.</summary>
    public bool Release(int actor)
    {
        Touched(true);
        if (!_holders.Remove(actor)) throw new InvalidOperationException($"{Name}: released by actor #{actor}, which does not hold it");
        Owner?.HoldEnds(this, actor);
        if (_writer == actor) _writer = -1;
        else _readers--;
        return GrantWaiters();
    }

    /// <summary>down_write -> down_read without letting a writer in between (mmap_write_downgrade).</summary>
    public bool Downgrade(int actor)
    {
        Touched(true);
        if (_writer != actor) throw new InvalidOperationException($"{Name}: downgrade by a non-writer");
        _writer = -1;
        _readers++;
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
            if (!CanGrant(w.Write) || (_holders.Contains(w.Actor) && (w.Write || _writer == w.Actor))) break;
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
        Touched(false);
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

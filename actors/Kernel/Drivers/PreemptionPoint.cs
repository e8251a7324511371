using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A point where the kernel task may be preempted or delayed (CONFIG_PREEMPT: anywhere no spinlock is held)
/// although it takes no lock there. The core model only interleaves at lock requests, and a handler that
/// releases one lock and requests the next does both in one atomic step, so a waiter woken by the release can
/// never overtake it to the next lock. Drivers put this point where the kernel really drops a sleeping lock and
/// returns to the core before the core takes the next one (fb_defio's mutex_unlock, then the PTL).
/// Implemented as an uncontended lock round trip: two scheduling steps, no state.
/// </summary>
public sealed class PreemptionPoint
{
    private readonly LockState _token = new("preemption point", LockKind.Mutex);

    /// <summary>Every run, after ResetMemory (which empties the page-lock owner's list).</summary>
    public void Reset(KernelState k)
    {
        _token.Reset();
        k.PageLocks.Own(_token);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Here(KernelActor cur)
    {
        await cur.Lock(_token);
        cur.Unlock(_token);
    }
}

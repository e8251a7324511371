using System.Runtime.CompilerServices;
using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// An actor that runs kernel code (a CPU, a writeback thread, a driver's worker): "current". It owns the
/// per-task objects kernel code needs (lock request, mmu_gather, flush request), so nothing is allocated
/// per step. Every lock acquisition is an Ask to the lock's owner: a scheduling point.
/// </summary>
public abstract class KernelActor : Actor
{
    private readonly LockRequest _lockReq = new();
    private readonly VmaLockRequest _vmaReq = new();
    private readonly ShootdownRequest _flush = new();

    protected KernelActor(KernelState k) => K = k;

    public KernelState K { get; }

    /// <summary>Kernel code reads and writes shared memory in every step (see <see cref="KernelFootprint"/>).</summary>
    protected override void DeclareStepFootprint() => Touch(KernelFootprint.Memory);

    /// <summary>This task's mmu_gather (on the kernel stack in C).</summary>
    public MmuGather Gather { get; } = new();

    /// <summary>Scratch list for syscalls that collect VMAs.</summary>
    internal List<Vma> ScratchVmas { get; } = new();

    public WalkRecord Walk { get; } = new();
    public ZapRecord Zap { get; } = new();

    public int ActorId => Self.Id;

    /// <summary>The mm whose TLB this actor's CPU caches (null for kernel threads: lazy TLB).</summary>
    public virtual MmStruct? ActiveMm => null;

    /// <summary>spin_lock / mutex_lock / down_read / down_write: await the grant.</summary>
    public AskAwaitable<LockReply> Lock(LockState l, LockMode mode = LockMode.Write)
    {
        // A traced run keeps every message for the replay printout, so it gets its own request object.
        var req = IsTracing ? new LockRequest() : _lockReq;
        req.Lock = l;
        req.Mode = mode;
        return Ask<LockReply>(l.Owner!.Self, req);
    }

    /// <summary>A trylock: the reply says whether it was granted.</summary>
    public AskAwaitable<LockReply> TryLock(LockState l, LockMode mode) => Lock(l, mode);

    /// <summary>
    /// spin_unlock, or the release of a sleeping lock whose releaser returns straight into a scheduling point
    /// (a vm_ops hook's return, the end of a handler): the woken waiter is granted and can run next.
    /// </summary>
    public void Unlock(LockState l) => l.Release(ActorId);

    /// <summary>
    /// mutex_unlock / up_read / up_write (mmap_lock, i_mmap_rwsem). When the release woke a waiter, whether
    /// this task's next action comes in the same step or after a scheduling point (where the woken waiter may
    /// run first, as it does on another CPU) is a recorded choice (<see cref="AfterWake"/>).
    /// </summary>
    public ValueTask UnlockWake(LockState l) => AfterWake(l.Release(ActorId));

    /// <summary>folio_unlock() as <see cref="UnlockWake"/>: folio_wake_bit() may let a waiter run before this task goes on.</summary>
    public ValueTask FolioUnlockWake(Frame f)
    {
        bool waiters = f.PageLock.WaiterCount > 0;
        FolioUnlock(f);
        return AfterWake(waiters);
    }

    /// <summary>vma_end_read() as <see cref="UnlockWake"/>: the last reader wakes a writer waiting in vma_start_write().</summary>
    public ValueTask VmaEndReadWake(Vma vma)
    {
        bool writer = vma.WriterWaitingId >= 0;
        K.VmaLocks.EndRead(vma);
        return AfterWake(writer && vma.Readers == 0);
    }

    /// <summary>mmap_write_downgrade(): readers waiting for the lock are woken and may run first.</summary>
    public ValueTask DowngradeWake(LockState l) => AfterWake(l.Downgrade(ActorId));

    /// <summary>
    /// After a release that woke a waiter: a recorded choice (drawn by the strategy, so both orders are
    /// reachable and replayable) between going on in this step and a scheduling point. A choice rather than
    /// a fixed point so that a priority scheduler (PCT) does not let a woken worker win every time and starve
    /// a retried access into a false livelock (fb_defio's worker runs its work a delay later on a kernel).
    /// </summary>
    private ValueTask AfterWake(bool woke) => woke && Choose(2) == 1 ? Resched() : ValueTask.CompletedTask;

    /// <summary>
    /// A point where a preemptible kernel (CONFIG_PREEMPT) may switch this task out although no lock is taken:
    /// whether it does is a recorded choice, so the common path costs no steps and both orders are reachable.
    /// </summary>
    public ValueTask MaybePreempted() => Choose(2) == 1 ? Resched() : ValueTask.CompletedTask;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask Resched() => await CondResched();

    /// <summary>pte_offset_map_lock(): take the PTL of the table holding <paramref name="vpn"/>.</summary>
    public AskAwaitable<LockReply> PteLock(MmStruct mm, int vpn) => Lock(mm.TableOf(vpn).Ptl);

    public void PteUnlock(MmStruct mm, int vpn) => Unlock(mm.TableOf(vpn).Ptl);

    /// <summary>folio_lock().</summary>
    public AskAwaitable<LockReply> FolioLock(Frame f) => Lock(f.PageLock);

    /// <summary>
    /// folio_unlock(): clears PG_locked, whoever set it (page locks have no owner). Unlocking a folio this task
    /// did not lock happens only after a driver broke the VM_FAULT_LOCKED contract, which CONFIG_DEBUG_VM
    /// reports first; a production kernel clears the bit of whoever holds it, or nothing if it is clear.
    /// </summary>
    public void FolioUnlock(Frame f)
    {
        var l = f.PageLock;
        if (l.Writer == ActorId || K.Knobs.DebugVm) Unlock(l);
        else if (l.Writer >= 0) l.Release(l.Writer);
    }

    public bool HoldsFolioLock(Frame f) => f.PageLock.Writer == ActorId;

    /// <summary>vma_start_read(): a trylock, answered Locked, Busy or Detached.</summary>
    public AskAwaitable<VmaLockReply> VmaStartRead(Vma vma)
    {
        var req = IsTracing ? new VmaLockRequest() : _vmaReq;
        req.Vma = vma;
        req.Write = false;
        return Ask<VmaLockReply>(K.VmaLocks.Self, req);
    }

    /// <summary>vma_start_write(): waits until the VMA's readers have drained.</summary>
    public AskAwaitable<VmaLockReply> VmaStartWrite(Vma vma)
    {
        var req = IsTracing ? new VmaLockRequest() : _vmaReq;
        req.Vma = vma;
        req.Write = true;
        return Ask<VmaLockReply>(K.VmaLocks.Self, req);
    }

    public void VmaEndRead(Vma vma) => K.VmaLocks.EndRead(vma);

    /// <summary>cond_resched() / preemption: a scheduling point with no other effect.</summary>
    public AskAwaitable<CondResched> CondResched() => Ask<CondResched>(K.Sched.Self, Kernel.CondResched.Instance);

    /// <summary>
    /// flush_tlb_mm_range(): flush the local TLB, then IPI every other CPU of the mm and wait for all acks.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushTlbRange(MmStruct mm, int start, int end)
    {
        K.Flushes++;
        if (ActiveMm == mm) LocalFlush(start, end);
        var flush = IsTracing ? new ShootdownRequest() : _flush;
        flush.Mm = mm;
        flush.Start = start;
        flush.End = end;
        flush.Initiator = ActorId;
        if (IsTracing) BeginSpan("flush_tlb_mm_range", flush.ToString());
        // flush_tlb_mm_range (arch/x86/mm/tlb.c): flush_tlb_multi only when another CPU is in mm_cpumask
        // (cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids); else the local flush is all, no IPI, nothing to wait for.
        if (!OnlyCpuOf(mm)) await Ask<ShootdownDone>(K.Shootdown.Self, flush);
        if (IsTracing) EndSpan("flush_tlb_mm_range");
    }

    private bool OnlyCpuOf(MmStruct mm)
    {
        var cpus = mm.Cpus;
        for (int i = 0; i < cpus.Count; i++)
            if (cpus[i].ActorId != ActorId) return false;
        return ActiveMm == mm;
    }

    /// <summary>flush_tlb_page().</summary>
    public ValueTask FlushTlbPage(MmStruct mm, int vpn) => FlushTlbRange(mm, vpn, vpn + 1);

    protected virtual void LocalFlush(int start, int end) { }

    /// <summary>A span on this actor's lane, built only when tracing.</summary>
    public void Begin(string name, string? detail = null)
    {
        if (IsTracing) BeginSpan(name, detail);
    }

    public void End(string name, string? detail = null)
    {
        if (IsTracing) EndSpan(name, detail);
    }

    public void Event(string name, string? detail = null)
    {
        if (IsTracing) TraceEvent(name, detail);
    }

    // The same with an interpolated detail, formatted only when tracing (a run that records no trace never builds it).
    public void Begin(string name, [InterpolatedStringHandlerArgument("")] ref TraceText detail)
    {
        if (IsTracing) BeginSpan(name, detail.ToStringAndClear());
    }

    public void End(string name, [InterpolatedStringHandlerArgument("")] ref TraceText detail)
    {
        if (IsTracing) EndSpan(name, detail.ToStringAndClear());
    }

    public void Event(string name, [InterpolatedStringHandlerArgument("")] ref TraceText detail)
    {
        if (IsTracing) TraceEvent(name, detail.ToStringAndClear());
    }

    public bool Tracing => IsTracing;

    /// <summary>This task retries (VM_FAULT_RETRY, a refault): see <see cref="Actor.Yield"/>.</summary>
    public void Spin() => Yield();
}

/// <summary>An interpolated trace detail that formats nothing unless <paramref name="cur"/> records a trace.</summary>
[InterpolatedStringHandler]
public ref struct TraceText
{
    private DefaultInterpolatedStringHandler _inner;
    private readonly bool _on;

    public TraceText(int literalLength, int formattedCount, KernelActor cur, out bool shouldAppend)
    {
        _on = shouldAppend = cur.Tracing;
        _inner = _on ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string s) => _inner.AppendLiteral(s);
    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);
    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);
    public void AppendFormatted<T>(T value, int alignment) => _inner.AppendFormatted(value, alignment);
    public void AppendFormatted(ReadOnlySpan<char> value) => _inner.AppendFormatted(value);
    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    public string? ToStringAndClear() => _on ? _inner.ToStringAndClear() : null;
}

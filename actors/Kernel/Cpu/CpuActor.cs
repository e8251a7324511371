using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>Self-message: execute the next instruction of the program.</summary>
public sealed class RunNext
{
    public static readonly RunNext Instance = new();
    public override string ToString() => "next";
}

/// <summary>
/// A CPU running one thread of an mm: executes its program one instruction per step, with a TLB and a
/// hardware page walk; page faults and syscalls run kernel code in this actor. TLB-flush IPIs arrive as
/// interrupts, also while the CPU waits inside a fault, and are acknowledged at once.
/// </summary>
public sealed class CpuActor : KernelActor
{
    private CpuOp[] _program = [];

    public CpuActor(KernelState k, MmStruct mm, string name) : base(k)
    {
        Mm = mm;
        Name = name;
        ReceiveAsync<RunNext>(OnRunNext);
        Receive<FlushIpi>(OnIpi);
    }

    public string Name { get; }
    public MmStruct Mm { get; set; }
    public Tlb Tlb { get; } = new();
    public Vmf Vmf { get; } = new();
    public int Pc { get; private set; }
    public ReadOnlySpan<CpuOp> Program => _program;
    /// <summary>Signals delivered (SIGSEGV/SIGBUS): the program goes on, as with a handler that skips the access.</summary>
    public int Signals { get; private set; }
    /// <summary>Value of the last load (for tests).</summary>
    public long LastLoad { get; private set; }
    /// <summary>How the last load or store ended (Done, SigSegv, SigBus): what stressvm conform compares.</summary>
    public AccessOutcome LastAccess { get; private set; }

    public override MmStruct? ActiveMm => Mm;

    public void SetProgram(CpuOp[] program) => _program = program;

    /// <summary>Starts the program (called from the run's start action: a Tell to self in PreStart is not scheduled).</summary>
    public void Start()
    {
        if (_program.Length > 0) Self.Tell(RunNext.Instance, Self);
    }

    protected override bool TryReset()
    {
        Tlb.Clear();
        Pc = 0;
        Signals = 0;
        LastLoad = 0;
        LastAccess = AccessOutcome.Done;
        return true;
    }

    protected override string DescribeState() =>
        Pc < _program.Length ? $"at {Pc}: {_program[Pc]}" : "program done";

    protected override void LocalFlush(int start, int end) => Tlb.FlushRange(start, end);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnRunNext(RunNext _)
    {
        var op = _program[Pc];
        switch (op.Kind)
        {
            case OpKind.Load:
            case OpKind.Store:
                var outcome = await UserAccess(op.Vpn, op.Kind == OpKind.Store).ConfigureAwait(false);
                LastAccess = outcome;
                if (outcome is AccessOutcome.SigSegv or AccessOutcome.SigBus) Signals++;
                if (outcome == AccessOutcome.Livelock) return; // the run ends with the violation
                break;
            case OpKind.Munmap:
                await MunmapSyscall.VmMunmap(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false);
                break;
            case OpKind.MadviseDontneed:
                await MadviseSyscall.Dontneed(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false);
                break;
            case OpKind.Msync:
                await MsyncSyscall.Msync(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false);
                break;
            case OpKind.MprotectRead:
            case OpKind.MprotectWrite:
                await MprotectSyscall.Mprotect(this, Mm, op.Vpn, op.Vpn + op.Pages, op.Kind == OpKind.MprotectWrite).ConfigureAwait(false);
                break;
            case OpKind.Fsync:
            case OpKind.Write:
                // fsync(2)/write(2) on the file this VMA maps (the driver's file_operations); none: EBADF.
                if (Mm.FindVma(op.Vpn) is { Ops: { } ops } fvma)
                {
                    if (op.Kind == OpKind.Fsync) await ops.Fsync(this, fvma).ConfigureAwait(false);
                    else await ops.FileWrite(this, fvma, fvma.PgoffOf(op.Vpn), op.Pages).ConfigureAwait(false);
                }
                break;
        }
        Pc++;
        if (Pc < _program.Length) Self.Tell(RunNext.Instance, Self);
    }

    /// <summary>A load or store: TLB, hardware walk, and page faults until it completes (the CPU re-executes it).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AccessOutcome> UserAccess(int vpn, bool write)
    {
        int faults = 0;
        while (!TryAccess(vpn, write))
        {
            if (++faults > K.LivelockBound)
            {
                K.Emit(new KernelEvent(EventKind.Livelock, ActorId, null, vpn,
                    Detail: $"{(write ? "store" : "load")} {vpn:x} faulted {faults - 1} times without completing"));
                return AccessOutcome.Livelock;
            }
            if (faults > 1) Yield(); // the access faults again: let whoever changes the PTE run first
            K.Faults++;
            var r = await FaultEntry.DoUserAddrFault(this, vpn, write).ConfigureAwait(false);
            if (r != AccessOutcome.Done) return r;
        }
        return AccessOutcome.Done;
    }

    /// <summary>
    /// The MMU: a TLB hit, or a hardware walk that fills the TLB (setting the PTE's accessed and dirty bits).
    /// False means a page fault. A store through a clean or read-only entry re-walks, as x86 does.
    /// </summary>
    public bool TryAccess(int vpn, bool write)
    {
        int i = Tlb.Find(vpn);
        if (i >= 0)
        {
            ref var e = ref Tlb[i];
            if (!write || (e.Write && e.Dirty))
            {
                Access(e.Pfn, vpn, write, viaTlb: true);
                return true;
            }
            Tlb.Remove(i);
        }
        if (vpn < 0 || vpn >= Mm.MaxVpn) return false;
        ref Pte pte = ref Mm.PteRef(vpn);
        if (!pte.Present || (write && !pte.Write)) return false;
        // No hardware access flag (stressvm.kernel.arch.hw-access-flag = false, arm64 without FEAT_HAFDBS):
        // an access through an old PTE takes an access-flag fault; handle_pte_fault makes it young.
        if (!pte.Young && !K.Knobs.ArchHwAccessFlag) return false;
        pte.Young = true;
        if (write) pte.Dirty = true;
        Tlb.Fill(new TlbEntry { Vpn = vpn, Pfn = pte.Pfn, Write = pte.Write, Dirty = pte.Dirty, PteId = pte.Id, FilledAt = ++K.Clock });
        Access(pte.Pfn, vpn, write, viaTlb: false);
        return true;
    }

    private void Access(int pfn, int vpn, bool store, bool viaTlb)
    {
        var f = K.FrameAt(pfn);
        if (store) f.Content = ++K.StoreSeq;
        else LastLoad = f.Content;
        K.Emit(new KernelEvent(EventKind.Access, ActorId, f, vpn, Mm, store, viaTlb ? "tlb" : null));
        if (Tracing) Event(store ? "store" : "load", $"{vpn:x} -> {f}{(viaTlb ? " (tlb)" : " (walk)")}");
    }

    /// <summary>The flush IPI handler (flush_tlb_func): drop the range, acknowledge.</summary>
    private void OnIpi(FlushIpi ipi)
    {
        var r = ipi.Request;
        K.Ipis++;
        if (r.Mm == Mm) Tlb.FlushRange(r.Start, r.End);
        Tell(K.Shootdown.Self, r.Ack);
    }
}

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
    private OpOutcome[] _outcomes = [];
    private string[] _labels = [];

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
    /// <summary>What the program saw from each instruction so far (<see cref="OpOutcome.NotRun"/> for the rest).</summary>
    public ReadOnlySpan<OpOutcome> Outcomes => _outcomes;
    /// <summary>"cpu0.2": the name of instruction <paramref name="pc"/> in outcome vectors and scenario clauses.</summary>
    public string Label(int pc) => _labels[pc];

    public override MmStruct? ActiveMm => Mm;

    public void SetProgram(CpuOp[] program)
    {
        _program = program;
        if (_outcomes.Length != program.Length) _outcomes = new OpOutcome[program.Length];
        if (_labels.Length != program.Length)
        {
            _labels = new string[program.Length];
            for (int i = 0; i < program.Length; i++) _labels[i] = Name + "." + i.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Starts the program (called from the run's start action: a Tell to self in PreStart is not scheduled).</summary>
    public void Start()
    {
        if (_program.Length > 0) Self.Tell(RunNext.Instance, Self);
    }

    /// <summary>A forked process's thread starts when <paramref name="parent"/>'s fork has copied the mm.</summary>
    public void StartFrom(KernelActor parent)
    {
        if (_program.Length > 0) Self.Tell(RunNext.Instance, parent.Self);
    }

    protected override bool TryReset()
    {
        Tlb.Clear();
        Pc = 0;
        Signals = 0;
        LastLoad = 0;
        Array.Clear(_outcomes);
        return true;
    }

    protected override string DescribeState() =>
        Pc < _program.Length ? $"at {Pc}: {_program[Pc]}" : "program done";

    protected override void LocalFlush(int start, int end) => Tlb.FlushRange(start, end);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnRunNext(RunNext _)
    {
        var op = _program[Pc];
        OpOutcome outcome;
        switch (op.Kind)
        {
            case OpKind.Load:
            case OpKind.Store:
                var a = await UserAccess(op.Vpn, op.Kind == OpKind.Store).ConfigureAwait(false);
                outcome = a switch
                {
                    AccessOutcome.Done => op.Kind == OpKind.Store ? new OpOutcome(OutcomeKind.Stored) : new OpOutcome(OutcomeKind.Loaded, K.StoreLabel(LastLoad)),
                    AccessOutcome.SegvMapErr => new OpOutcome(OutcomeKind.SegvMapErr),
                    AccessOutcome.SegvAccErr => new OpOutcome(OutcomeKind.SegvAccErr),
                    AccessOutcome.BusAdrErr => new OpOutcome(OutcomeKind.BusAdrErr),
                    AccessOutcome.BusMceErr => new OpOutcome(OutcomeKind.BusMceErr),
                    _ => new OpOutcome(OutcomeKind.Livelock),
                };
                if (outcome.IsSignal) Signals++;
                if (a == AccessOutcome.Livelock)
                {
                    Record(outcome);
                    return; // the run ends with the violation
                }
                break;
            case OpKind.Munmap:
                outcome = Ret(await MunmapSyscall.VmMunmap(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false));
                break;
            case OpKind.MadviseDontneed:
                outcome = Ret(await MadviseSyscall.Dontneed(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false));
                break;
            case OpKind.Msync:
                outcome = Ret(await MsyncSyscall.Msync(this, Mm, op.Vpn, op.Vpn + op.Pages).ConfigureAwait(false));
                break;
            case OpKind.Fork:
            {
                var child = K.Mms[op.Target];
                outcome = Ret(await DupMmap.Fork(this, Mm, child).ConfigureAwait(false));
                foreach (var c in child.Cpus) c.StartFrom(this); // the child's threads run from here
                break;
            }
            case OpKind.Exit:
                outcome = Ret(await ExitMmap.Exit(this, Mm).ConfigureAwait(false));
                break;
            case OpKind.Mmap:
                outcome = Ret(await MmapSyscall.Mmap(this, Mm, K.MmapRequests[op.Target]).ConfigureAwait(false));
                break;
            case OpKind.MprotectRead:
            case OpKind.MprotectWrite:
                outcome = Ret(await MprotectSyscall.Mprotect(this, Mm, op.Vpn, op.Vpn + op.Pages, op.Kind == OpKind.MprotectWrite).ConfigureAwait(false));
                break;
            default: // OpKind.Fsync, OpKind.Write
                // fsync(2)/write(2) on the file this VMA maps (the driver's file_operations); none: EBADF.
                if (Mm.FindVma(op.Vpn) is { Ops: { } ops } fvma)
                {
                    if (op.Kind == OpKind.Fsync) await ops.Fsync(this, fvma).ConfigureAwait(false);
                    else await ops.FileWrite(this, fvma, fvma.PgoffOf(op.Vpn), op.Pages).ConfigureAwait(false);
                    outcome = Ret(0);
                }
                else outcome = Ret(-Errnos.EBADF);
                break;
        }
        Record(outcome);
        Pc++;
        if (Pc < _program.Length) Self.Tell(RunNext.Instance, Self);
    }

    private static OpOutcome Ret(int r) => new(OutcomeKind.Returned, null, -r);

    /// <summary>The instruction's user-visible outcome: kept for the end-of-run checks and shown in the trace.</summary>
    private void Record(OpOutcome outcome)
    {
        _outcomes[Pc] = outcome;
        if (Tracing) Event("outcome", $"{_labels[Pc]} {outcome}");
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
        if (store) f.Content = K.NewStoreValue(_labels[Pc]);
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

using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Conform;

/// <summary>
/// Records, during one model run, what each operation showed the program, in <see cref="OutcomeText"/>'s
/// vocabulary: a monitor that notices a CPU's program counter move past an instruction (the instruction
/// completes in the step that moves it) and reads the CPU's last access outcome, its last loaded value, and
/// which store made that value. Observes only; never reports a violation.
/// </summary>
/// <remarks>
/// The adapter to the model's outcomes until the model records them itself (issue 11): syscall returns are
/// not modelled yet (every syscall is <c>ret=?</c>), nor si_code (a signal is <c>SIGSEGV</c>/<c>SIGBUS</c>).
/// </remarks>
public sealed class OutcomeRecorder : ISafetyMonitor
{
    private readonly IReadOnlyList<CpuActor> _cpus;
    private readonly KernelState _k;
    private readonly IReadOnlyList<ConformOp> _ops;
    private readonly int[] _first;       // index in the vector of each CPU's operation 0
    private readonly int[] _pc;
    private readonly int[] _signals;
    private readonly Dictionary<long, string> _storedBy = new();
    private long _seq;                   // K.StoreSeq after the previous step
    private readonly string?[] _outcomes;

    public OutcomeRecorder(IReadOnlyList<CpuActor> cpus, KernelState k, IReadOnlyList<ConformOp> ops)
    {
        _cpus = cpus;
        _k = k;
        _ops = ops;
        _first = new int[cpus.Count];
        for (int i = 0, n = 0; i < cpus.Count; i++)
        {
            _first[i] = n;
            n += ops.Count(o => o.Cpu == i);
        }
        _pc = new int[cpus.Count];
        _signals = new int[cpus.Count];
        _outcomes = new string?[ops.Count];
    }

    /// <summary>The last run's vector, or null when some operation did not complete (the run ended early).</summary>
    public string[]? Vector => Array.TrueForAll(_outcomes, o => o is not null) ? _outcomes.Select(o => o!).ToArray() : null;

    public void Reset()
    {
        Array.Clear(_pc);
        Array.Clear(_signals);
        Array.Clear(_outcomes);
        _storedBy.Clear();
        _seq = 0;
    }

    public Violation? AfterStep(ActorSystem system, int step, int actor)
    {
        for (int i = 0; i < _cpus.Count; i++)
        {
            var c = _cpus[i];
            if (c.ActorId != actor) continue;
            // Values stored in this step (a store's CpuActor.Access, write(2)'s DaxFileWrite blocks) belong to
            // the instruction the CPU was executing; the perf writer's values stay unnamed ("other").
            if (_k.StoreSeq != _seq && _first[i] + _pc[i] < _ops.Count && _ops[_first[i] + _pc[i]].Cpu == i)
                for (long q = _seq + 1; q <= _k.StoreSeq; q++) _storedBy[q] = _ops[_first[i] + _pc[i]].Label;
            if (c.Pc == _pc[i]) continue;
            var op = _ops[_first[i] + _pc[i]];
            _outcomes[_first[i] + _pc[i]] = Outcome(op, c, c.Signals != _signals[i]);
            _pc[i] = c.Pc;
            _signals[i] = c.Signals;
        }
        _seq = _k.StoreSeq;
        return null;
    }

    private string Outcome(ConformOp op, CpuActor c, bool signalled)
    {
        switch (op.Op.Kind)
        {
            case OpKind.Load or OpKind.Store when signalled:
                return c.LastAccess == AccessOutcome.SigBus ? "SIGBUS" : "SIGSEGV";
            case OpKind.Store:
                return OutcomeText.Ok;
            case OpKind.Load:
                if (!ConformProgram.Valued(op.Vma)) return OutcomeText.Ok;
                if (c.LastLoad == 0) return "ok val=0";
                return _storedBy.TryGetValue(c.LastLoad, out var who) ? "ok val=" + who : "ok val=other";
            default:
                return OutcomeText.AnyReturn;
        }
    }

    public Violation? AtEnd(ActorSystem system) => null;
}

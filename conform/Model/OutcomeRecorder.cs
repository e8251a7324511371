using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Conform;

/// <summary>
/// Reads, at the end of one model run, what each operation showed the program: the model's own per-instruction
/// outcomes (<see cref="CpuActor.Outcomes"/>: the value loaded and which store left it, the signal with its
/// si_code, a syscall's return), in <see cref="OutcomeText"/>'s vocabulary and the C program's labels
/// ("cpu1.2": the scenario's CPU names may differ). Observes only; never reports a violation.
/// </summary>
public sealed class OutcomeRecorder : ISafetyMonitor
{
    private readonly IReadOnlyList<CpuActor> _cpus;
    private readonly IReadOnlyList<ConformOp> _ops;
    private readonly Dictionary<string, int> _cpuIndex = new(StringComparer.Ordinal);
    private readonly Func<string, string> _label;
    private string[]? _vector;

    public OutcomeRecorder(IReadOnlyList<CpuActor> cpus, IReadOnlyList<ConformOp> ops)
    {
        _cpus = cpus;
        _ops = ops;
        for (int i = 0; i < cpus.Count; i++) _cpuIndex[cpus[i].Name] = i;
        _label = ConformLabel;
    }

    /// <summary>The last run's vector, or null when it did not reach its end or some operation never ran.</summary>
    public string[]? Vector => _vector;

    public void Reset() => _vector = null;

    public Violation? AfterStep(ActorSystem system, int step, int actor) => null;

    public Violation? AtEnd(ActorSystem system)
    {
        var v = new string[_ops.Count];
        for (int i = 0; i < _ops.Count; i++)
        {
            var op = _ops[i];
            var outcomes = _cpus[op.Cpu].Outcomes;
            var o = op.Index < outcomes.Length ? outcomes[op.Index] : OpOutcome.NotRun;
            if (o.Kind == OutcomeKind.NotRun) return null;
            v[i] = OutcomeText.Of(o, ConformProgram.Valued(op.Vma), _label);
        }
        _vector = v;
        return null;
    }

    /// <summary>"writer.1" (the model's label of a store) as the C program prints it: "cpu1.1".</summary>
    private string ConformLabel(string modelLabel)
    {
        int dot = modelLabel.LastIndexOf('.');
        return dot > 0 && _cpuIndex.TryGetValue(modelLabel[..dot], out int cpu) ? $"cpu{cpu}{modelLabel[dot..]}" : modelLabel;
    }
}

using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>How to explore a scenario: seeds, strategy, step budget, and knob overrides on top of the scenario's pins.</summary>
public sealed record RunSettings
{
    public int Seeds { get; init; } = 1000;
    public ulong FirstSeed { get; init; }
    /// <summary>The strategy; a PCT without k is resolved by a pilot run (<see cref="ScenarioRunner.ResolveStrategy"/>). The CLI takes it from stressvm.run.</summary>
    public StrategySpec Strategy { get; init; } = StrategySpec.Random.Instance;
    public int MaxSteps { get; init; } = 10_000;
    /// <summary>stressvm.run.mailbox-order: which queued message a step delivers (per-actor FIFO, or per sender).</summary>
    public MailboxOrder MailboxOrder { get; init; } = MailboxOrder.PerActor;
    /// <summary>stressvm.run.coverage: whether run tracks interleaving classes and conflicting pairs (no schedule changes).</summary>
    public bool Coverage { get; init; } = true;

    /// <summary>Knob values set by the user (config file or -D): they win over the scenario's pins.</summary>
    public IReadOnlyDictionary<string, bool> KnobOverrides { get; init; } = new Dictionary<string, bool>();
    /// <summary>Non-bug kernel settings set by the user (stressvm.kernel.perf.mode and the like): they win over the scenario's.</summary>
    public IReadOnlyDictionary<string, string> SettingOverrides { get; init; } = new Dictionary<string, string>();
}

/// <summary>Builds models and strategies for a scenario, the same way for run, replay, tests and bench.</summary>
public static class ScenarioRunner
{
    public static KernelModel BuildModel(ScenarioSpec spec, RunSettings s, bool recordTrace = false)
    {
        var model = new KernelModel(spec, spec.Knobs(null, s.KnobOverrides, s.SettingOverrides), s.MaxSteps, recordTrace);
        model.System.MailboxOrder = spec.MailboxOrder ?? s.MailboxOrder; // a scenario's pin wins, as its max-steps does
        return model;
    }

    /// <summary>The strategy with PCT's k filled in: the length of a pilot run (a function of the model), unless given.</summary>
    public static StrategySpec ResolveStrategy(KernelModel model, RunSettings s) => s.Strategy.Resolve(() => Explorer.EstimateSteps(model));

    /// <summary>A new strategy object for <paramref name="s"/> (see <see cref="ResolveStrategy"/>).</summary>
    public static ISchedulingStrategy Strategy(KernelModel model, RunSettings s) => ResolveStrategy(model, s).Create();

    /// <summary>
    /// Name of a finding, the same in run, replay, soak and minimize: the invariant, "deadlock", or
    /// "step-budget" for a run that exhausted its step budget ("livelock" is the kernel invariant of a fault
    /// retried past its bound, a proven retry loop; a spent budget is only a suspect).
    /// </summary>
    public static string? FindingName(RunResult r) => r.FindingName;
}

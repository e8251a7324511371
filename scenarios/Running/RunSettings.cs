using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>How to explore a scenario: seeds, strategy, step budget, and knob overrides on top of the scenario's pins.</summary>
public sealed record RunSettings
{
    public int Seeds { get; init; } = 1000;
    public ulong FirstSeed { get; init; }
    public string Strategy { get; init; } = "random";
    public int PctDepth { get; init; } = 3;
    public int MaxSteps { get; init; } = 10_000;
    /// <summary>stressvm.run.mailbox-order: which queued message a step delivers (per-actor FIFO, or per sender).</summary>
    public MailboxOrder MailboxOrder { get; init; } = MailboxOrder.PerActor;

    /// <summary>
    /// The "-D path=value" arguments that make a `stressvm replay` command rebuild this run's kernel: the user's
    /// knob and setting overrides and a non-default mailbox order, in a fixed order.
    /// </summary>
    public string OverrideArguments() =>
        string.Concat(KnobOverrides.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $" -D stressvm.kernel.bugs.{k.Key}={(k.Value ? "true" : "false")}")) +
        string.Concat(SettingOverrides.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $" -D stressvm.kernel.{k.Key}={k.Value}")) +
        (MailboxOrder == MailboxOrder.PerSender ? " -D stressvm.run.mailbox-order=per-sender" : "");

    /// <summary>PCT's expected run length k; null: the length of the scenario's pilot run (what run and soak use).</summary>
    public int? PctSteps { get; init; }
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

    /// <summary>The strategy; PCT spreads its change points over a pilot run's length (a function of the model).</summary>
    public static ISchedulingStrategy Strategy(KernelModel model, RunSettings s) =>
        new StrategySpec(s.Strategy, s.PctDepth, s.Strategy == "pct" ? s.PctSteps ?? Explorer.EstimateSteps(model) : 100).Create();

    /// <summary>Name of a finding as reports give it: a step-budget overrun is a livelock.</summary>
    public static string? FindingName(RunResult r) => r.Outcome == Outcome.StepBudget ? Invariants.Livelock : r.FindingName;

    /// <summary>Header fields that let a schedule file be replayed alone.</summary>
    public static Dictionary<string, string> ScheduleHeader(KernelModel model, RunSettings s, ISchedulingStrategy strategy, ulong seed) => new()
    {
        ["scenario"] = model.Spec.Source ?? model.Spec.Name,
        ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["strategy"] = strategy.Name,
        ["knobs"] = model.Knobs.ToString(),
        ["settings"] = model.Knobs.SettingsString(), // non-default stressvm.kernel.* settings, "name=value,..."
        ["max-steps"] = s.MaxSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["mailbox-order"] = model.System.MailboxOrder == MailboxOrder.PerSender ? "per-sender" : "per-actor",
    };

    /// <summary>Parses a schedule header's "settings" field ("perf.mode=legacy,...") back into setting overrides.</summary>
    public static Dictionary<string, string> SettingsFromHeader(string? settings)
    {
        var d = KernelKnobs.SettingNames.ToDictionary(n => n, n => KernelKnobs.Upstream.GetSetting(n));
        if (!string.IsNullOrEmpty(settings))
            foreach (var kv in settings.Split(','))
            {
                int eq = kv.IndexOf('=');
                if (eq > 0) d[kv[..eq].Trim()] = kv[(eq + 1)..].Trim();
            }
        return d;
    }

    /// <summary>Parses a schedule header's "knobs" field back into overrides for every knob.</summary>
    public static Dictionary<string, bool> KnobsFromHeader(string? knobs)
    {
        var d = KernelKnobs.Names.ToDictionary(n => n, _ => false);
        if (!string.IsNullOrEmpty(knobs) && knobs != "none")
            foreach (var n in knobs.Split(',')) d[n.Trim()] = true;
        return d;
    }
}

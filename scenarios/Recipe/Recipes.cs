using System.Globalization;
using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>Builds the <see cref="Recipe"/> of a run of a kernel scenario from its spec and run settings.</summary>
public static class Recipes
{
    /// <summary>
    /// The recipe of seed <paramref name="seed"/> of <paramref name="spec"/> under <paramref name="s"/> and the resolved
    /// <paramref name="strategy"/>. Settings recorded: every knob and kernel setting whose effective value differs
    /// from what the scenario alone gives (its pins over HOCON.conf), and the step budget and mailbox order when
    /// they differ from HOCON.conf's. Replaying the scenario with exactly these as -D gives the same kernel.
    /// </summary>
    public static Recipe For(ScenarioSpec spec, RunSettings s, StrategySpec strategy, ulong seed)
    {
        if (!strategy.IsResolved) throw new ArgumentException($"strategy {strategy} is not resolved", nameof(strategy));
        var settings = new List<RecipeSetting>();
        var scenarioOnly = spec.Knobs();
        var effective = spec.Knobs(null, s.KnobOverrides, s.SettingOverrides);
        foreach (var knob in KernelKnobs.All) // bug knobs and settings, one table
            if (knob.Format(effective) != knob.Format(scenarioOnly))
                settings.Add(new RecipeSetting(knob.Path, knob.Format(effective)));
        var d = RunDefaults.Value;
        if (s.MaxSteps != d.MaxSteps)
            settings.Add(new RecipeSetting(MaxStepsPath, s.MaxSteps.ToString(CultureInfo.InvariantCulture)));
        if (s.MailboxOrder != d.MailboxOrder)
            settings.Add(new RecipeSetting(MailboxOrderPath, MailboxOrderText(s.MailboxOrder)));
        return new Recipe
        {
            Scenario = ScenarioCatalog.CommandLineName(spec),
            ScenarioHash = spec.ContentHash,
            Seed = seed,
            Strategy = strategy,
            Settings = settings.OrderBy(x => x.Path, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>As <see cref="For"/>, with the swarm draw of the seed when the model is a swarm scenario.</summary>
    public static Recipe For(KernelModel model, RunSettings s, StrategySpec strategy, ulong seed) =>
        For(model.Spec, s, strategy, seed) with { Swarm = SwarmOf(model.Spec, seed) };

    /// <summary>What a swarm scenario's seed drew (its enabled operations); null for a written program.</summary>
    public static string? SwarmOf(ScenarioSpec spec, ulong seed) =>
        spec.Swarm is { } swarm ? SwarmPrograms.Describe(swarm, seed) : null;

    /// <summary>A recipe for a model that is not a scenario file (the soak's toys): no hash, no settings.</summary>
    public static Recipe ForModel(string name, StrategySpec strategy, ulong seed) =>
        new() { Scenario = name, Seed = seed, Strategy = strategy };

    public const string MaxStepsPath = "stressvm.run.max-steps";
    public const string MailboxOrderPath = "stressvm.run.mailbox-order";

    public static string MailboxOrderText(MailboxOrder o) => o == MailboxOrder.PerSender ? "per-sender" : "per-actor";

    /// <summary>HOCON.conf's own stressvm.run.max-steps and mailbox-order (no user layer): what a recipe leaves out.</summary>
    private static readonly Lazy<(int MaxSteps, MailboxOrder MailboxOrder)> RunDefaults = new(() =>
    {
        var c = Config.ConfigLoader.Load(null, [], _ => null);
        var order = c.GetString(MailboxOrderPath) == "per-sender" ? MailboxOrder.PerSender : MailboxOrder.PerActor;
        return (c.GetInt(MaxStepsPath), order);
    });
}

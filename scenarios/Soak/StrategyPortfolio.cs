using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The strategies a soak spreads its seeds over (by default random and PCT at depths 1, 2 and 3). The
/// strategy of a seed is a function of the seed alone, so a resume, another shard or a replay picks the
/// same one. PCT's expected run length is the scenario's pilot estimate (<see cref="Explorer.EstimateSteps"/>).
/// Swarm testing (varying the scenario's own knobs per seed) is the model's business, in PrepareRun.
/// </summary>
public sealed class StrategyPortfolio
{
    public static readonly StrategyPortfolio Default = new([StrategySpec.Random.Instance, new StrategySpec.Pct(1), new StrategySpec.Pct(2), new StrategySpec.Pct(3)]);

    public StrategyPortfolio(IReadOnlyList<StrategySpec> entries)
    {
        if (entries.Count == 0) throw new ArgumentException("a strategy portfolio needs at least one strategy");
        Entries = entries;
    }

    public IReadOnlyList<StrategySpec> Entries { get; }

    /// <summary>Index into <see cref="Entries"/> of the strategy for <paramref name="seed"/>.</summary>
    public int IndexFor(ulong seed) => (int)(Prng.SubSeed(seed, "soak-portfolio") % (ulong)Entries.Count);

    /// <summary>The strategy spec of <paramref name="seed"/> for a scenario whose pilot run took <paramref name="expectedSteps"/> steps.</summary>
    public StrategySpec SpecFor(ulong seed, int expectedSteps) => Entries[IndexFor(seed)].Resolve(() => expectedSteps);

    /// <summary>"random,pct:1,pct:2,pct:3" (each entry's <see cref="StrategySpec.Text"/>): stored in the state so a resume can check it runs the same portfolio.</summary>
    public override string ToString() => string.Join(",", Entries.Select(e => e.Text));

    /// <summary>Parses "random,pct:1,pct:2" (the form <see cref="ToString"/> writes).</summary>
    public static StrategyPortfolio Parse(string text)
    {
        var entries = new List<StrategySpec>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            StrategySpec spec;
            try { spec = StrategySpec.Parse(part); }
            catch (FormatException e) { throw new ArgumentException($"portfolio '{text}': {e.Message}"); }
            // k is the scenario's pilot length, measured per scenario: a portfolio names depths only.
            if (spec.IsResolved && spec is StrategySpec.Pct)
                throw new ArgumentException($"bad strategy '{part}' in portfolio '{text}': expected random or pct:<depth> (k is each scenario's pilot-run length)");
            entries.Add(spec);
        }
        return new StrategyPortfolio(entries);
    }
}

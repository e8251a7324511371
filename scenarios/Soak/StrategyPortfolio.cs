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
    public static readonly StrategyPortfolio Default = new([new StrategySpec("random"), new StrategySpec("pct", 1), new StrategySpec("pct", 2), new StrategySpec("pct", 3)]);

    public StrategyPortfolio(IReadOnlyList<StrategySpec> entries)
    {
        if (entries.Count == 0) throw new ArgumentException("a strategy portfolio needs at least one strategy");
        Entries = entries;
    }

    public IReadOnlyList<StrategySpec> Entries { get; }

    /// <summary>Index into <see cref="Entries"/> of the strategy for <paramref name="seed"/>.</summary>
    public int IndexFor(ulong seed) => (int)(Prng.SubSeed(seed, "soak-portfolio") % (ulong)Entries.Count);

    /// <summary>The strategy spec of <paramref name="seed"/> for a scenario whose pilot run took <paramref name="expectedSteps"/> steps.</summary>
    public StrategySpec SpecFor(ulong seed, int expectedSteps) => Entries[IndexFor(seed)] with { ExpectedSteps = expectedSteps };

    /// <summary>"random,pct:1,pct:2,pct:3": stored in the state so a resume can check it runs the same portfolio.</summary>
    public override string ToString() => string.Join(",", Entries.Select(e => e.Kind == "pct" ? $"pct:{e.PctDepth}" : e.Kind));

    /// <summary>Parses "random,pct:1,pct:2" (the form <see cref="ToString"/> writes).</summary>
    public static StrategyPortfolio Parse(string text)
    {
        var entries = new List<StrategySpec>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = part.Split(':');
            if (f[0] == "random" && f.Length == 1) entries.Add(new StrategySpec("random"));
            else if (f[0] == "pct" && f.Length == 2 && int.TryParse(f[1], out int d) && d >= 1) entries.Add(new StrategySpec("pct", d));
            else throw new ArgumentException($"bad strategy '{part}' in portfolio '{text}': expected random or pct:<depth>");
        }
        return new StrategyPortfolio(entries);
    }
}

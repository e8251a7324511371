namespace StressVm.Scenarios.Soak;

/// <summary>One distinct failure (scenario + signature): how often it was seen and the seeds that reproduce it.</summary>
public sealed class FailureEntry(string scenario, string signature, string invariant)
{
    public string Scenario { get; } = scenario;
    public string Signature { get; } = signature;
    public string Invariant { get; } = invariant;

    /// <summary>Failing seeds counted in completed chunks.</summary>
    public long Count { get; internal set; }

    /// <summary>The lowest seed recorded as failing with this signature (found first in seed order).</summary>
    public ulong FirstSeed { get; internal set; } = ulong.MaxValue;
    public string FirstStrategy { get; internal set; } = "";

    /// <summary>The seed whose failing run had the fewest steps (the lower seed on a tie).</summary>
    public ulong ShortestSeed { get; internal set; } = ulong.MaxValue;
    public int ShortestSteps { get; internal set; } = int.MaxValue;
    public string ShortestStrategy { get; internal set; } = "";

    public string Detail { get; internal set; } = "";
    /// <summary>The recipe text of the first recorded run (its settings apply to every seed of the entry); null in old journals.</summary>
    public string? Recipe { get; internal set; }
    public string Tail { get; internal set; } = "";

    /// <summary>Absolute path of the minimized schedule, once one was saved.</summary>
    public string? MinimizedSchedule { get; internal set; }
    public int? MinimizedSteps { get; internal set; }

    /// <summary>The recipe of the shortest failing seed: the first run's settings with that seed and its strategy.</summary>
    public Recipe ShortestRecipe()
    {
        var strategy = Runtime.StrategySpec.Parse(ShortestStrategy);
        return Recipe is { } text
            ? Scenarios.Recipe.Parse(text).WithSeed(ShortestSeed, strategy)
            : Recipes.ForModel(Scenario, strategy, ShortestSeed);
    }

    /// <summary>At least 1 once discovered: a failure found in a chunk that a kill interrupted is not yet counted there.</summary>
    public long DisplayCount => Math.Max(1, Count);

    internal void SeeFirst(ulong seed, string strategy)
    {
        if (seed < FirstSeed) (FirstSeed, FirstStrategy) = (seed, strategy);
    }

    internal void SeeRun(ulong seed, int steps, string strategy)
    {
        if (steps < ShortestSteps || (steps == ShortestSteps && seed < ShortestSeed))
            (ShortestSeed, ShortestSteps, ShortestStrategy) = (seed, steps, strategy);
    }

    internal void MergeFrom(FailureEntry other)
    {
        Count += other.Count;
        if (other.FirstSeed != ulong.MaxValue) SeeFirst(other.FirstSeed, other.FirstStrategy);
        if (other.ShortestSeed != ulong.MaxValue) SeeRun(other.ShortestSeed, other.ShortestSteps, other.ShortestStrategy);
        if (Detail.Length == 0) (Detail, Tail) = (other.Detail, other.Tail);
        Recipe ??= other.Recipe;
        if (other.MinimizedSteps is { } s && (MinimizedSteps is null || s < MinimizedSteps))
            (MinimizedSchedule, MinimizedSteps) = (other.MinimizedSchedule, s);
    }
}

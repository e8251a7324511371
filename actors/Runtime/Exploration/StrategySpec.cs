namespace StressVm.Runtime;

/// <summary>Which strategy to build: "random" or "pct" (with its depth and expected run length).</summary>
public sealed record StrategySpec(string Kind, int PctDepth = 3, int ExpectedSteps = 100)
{
    public static readonly IReadOnlyList<string> Kinds = ["random", "pct"];

    public ISchedulingStrategy Create() => Kind switch
    {
        "random" => new RandomStrategy(),
        "pct" => new PctStrategy(PctDepth, Math.Max(1, ExpectedSteps)),
        _ => throw new ArgumentException($"unknown strategy '{Kind}'; expected one of: {string.Join(", ", Kinds)}"),
    };

    public override string ToString() => Kind == "pct" ? $"pct(depth {PctDepth}, k {ExpectedSteps})" : Kind;
}

using System.Globalization;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The `stressvm replay` command line for a seed, and the compact text form of a strategy stored in the
/// soak's records ("random", "pct:2:57" = PCT depth 2 over 57 expected steps).
/// </summary>
public static class ReplayCommandFormat
{
    public static string Default(string scenario, ulong seed, StrategySpec strategy) =>
        $"stressvm replay {scenario} --seed {seed.ToString(CultureInfo.InvariantCulture)} {StrategyOptions(strategy)}";

    /// <summary>The command-line options that select <paramref name="strategy"/>.</summary>
    public static string StrategyOptions(StrategySpec strategy) => strategy.Kind == "pct"
        ? $"--strategy pct --pct-depth {strategy.PctDepth} --pct-steps {strategy.ExpectedSteps}"
        : $"--strategy {strategy.Kind}";

    public static string ToText(StrategySpec s) => s.Kind == "pct" ? $"pct:{s.PctDepth}:{s.ExpectedSteps}" : s.Kind;

    public static StrategySpec Parse(string text)
    {
        var f = text.Split(':');
        if (f[0] == "pct" && f.Length == 3)
            return new StrategySpec("pct", int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture));
        if (f.Length == 1 && StrategySpec.Kinds.Contains(f[0])) return new StrategySpec(f[0]);
        throw new FormatException($"bad strategy '{text}': expected 'random' or 'pct:<depth>:<steps>'");
    }
}

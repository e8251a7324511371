using System.CommandLine;
using StressVm.Runtime;

namespace StressVm.Cli.Common;

/// <summary>
/// <c>--strategy</c>, <c>--pct-depth</c> and <c>--pct-steps</c> for run, replay and minimize: one meaning
/// everywhere. <c>--strategy</c> takes <see cref="StrategySpec"/>'s text form (random, pct, pct:D, pct:D:K, as
/// every printed replay command writes it); <c>--pct-depth</c>/<c>--pct-steps</c> are its older spelling. The
/// default is stressvm.run.strategy and stressvm.run.pct-depth (HOCON.conf). Conflicting or meaningless
/// combinations are errors, never ignored.
/// </summary>
internal sealed class StrategyOptions
{
    public Option<string?> Strategy { get; } = new("--strategy")
    {
        Description = "random, pct, pct:D or pct:D:K (PCT depth D over K expected steps; without K, the scenario's pilot-run length). " +
                      "Default: stressvm.run.strategy and stressvm.run.pct-depth.",
        HelpName = "STRATEGY",
    };

    public Option<int?> PctDepth { get; } = new Option<int?>("--pct-depth") { Description = "PCT depth d (same as --strategy pct:D; default stressvm.run.pct-depth; >= 1)" }.AtLeast(1);

    public Option<int?> PctSteps { get; } = new Option<int?>("--pct-steps") { Description = "PCT's expected run length k (same as --strategy pct:D:K; default: the scenario's pilot-run length; >= 1)" }.AtLeast(1);

    public void AddTo(Command cmd, bool steps = true)
    {
        cmd.Options.Add(Strategy);
        cmd.Options.Add(PctDepth);
        if (steps) cmd.Options.Add(PctSteps);
    }

    /// <summary>True when any of the three was given on the command line.</summary>
    public bool Given(ParseResult parse) =>
        parse.GetValue(Strategy) is not null || parse.GetValue(PctDepth) is not null || parse.GetValue(PctSteps) is not null;

    /// <summary>The strategy the options and <paramref name="configured"/> (stressvm.run) select; FormatException for a bad combination.</summary>
    public StrategySpec Resolve(ParseResult parse, StrategySpec configured)
    {
        string? text = parse.GetValue(Strategy);
        int? depth = parse.GetValue(PctDepth), steps = parse.GetValue(PctSteps);
        if (depth is < 1) throw new FormatException($"--pct-depth: expected a whole number >= 1, found {depth}");
        if (steps is < 1) throw new FormatException($"--pct-steps: expected a whole number >= 1, found {steps}");
        int configuredDepth = configured is StrategySpec.Pct p ? p.Depth : 3;
        StrategySpec spec = text is null ? configured : StrategySpec.Parse(text, depth ?? configuredDepth);
        if (spec is StrategySpec.Pct pct)
        {
            bool explicitDepth = text is not null && text.Contains(':');
            if (depth is { } d && d != pct.Depth)
            {
                if (explicitDepth) throw new FormatException($"--strategy {text} and --pct-depth {d} disagree: give the depth once");
                pct = new StrategySpec.Pct(d, pct.Steps);
            }
            if (steps is { } k && k != pct.Steps)
            {
                if (pct.Steps is not null) throw new FormatException($"--strategy {text} and --pct-steps {k} disagree: give k once");
                pct = new StrategySpec.Pct(pct.Depth, k);
            }
            return pct;
        }
        if (depth is not null || steps is not null)
            throw new FormatException($"--pct-depth and --pct-steps apply to PCT, not to --strategy {spec.Text}");
        return spec;
    }
}

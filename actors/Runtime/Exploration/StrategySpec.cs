using System.Globalization;

namespace StressVm.Runtime;

/// <summary>
/// Which strategy a run used: a closed hierarchy, one case per strategy kind, with ONE text form
/// (<see cref="Text"/>) and ONE parser (<see cref="Parse"/>). The text form is what schedule headers, the
/// soak journal, the <c>--strategy</c> option and every printed replay command use:
/// <c>random</c>; <c>pct:D</c> (PCT depth D, its expected run length k still to be measured by a pilot run);
/// <c>pct:D:K</c> (depth D over K expected steps: what a recipe always carries, so a replay needs no pilot).
/// Adding a strategy kind is one nested record here, one line in <see cref="Parse"/> and one in <see cref="Kinds"/>.
/// </summary>
public abstract record StrategySpec
{
    private StrategySpec() { }

    /// <summary>The kinds <see cref="Parse"/> accepts, for error messages and help.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["random", "pct"];

    /// <summary>The one text form ("random", "pct:3", "pct:3:57").</summary>
    public abstract string Text { get; }

    /// <summary>False for a PCT spec whose k is not yet known (see <see cref="Resolve"/>).</summary>
    public virtual bool IsResolved => true;

    /// <summary>A new strategy object. Throws for an unresolved spec: callers resolve it once per run first.</summary>
    public abstract ISchedulingStrategy Create();

    /// <summary>Fills in what a pilot run measures (PCT's k); <paramref name="expectedSteps"/> runs only when needed.</summary>
    public virtual StrategySpec Resolve(Func<int> expectedSteps) => this;

    public sealed override string ToString() => Text;

    /// <summary>Uniform random walk over the enabled actors (<see cref="RandomStrategy"/>).</summary>
    public sealed record Random : StrategySpec
    {
        public static readonly Random Instance = new();
        public override string Text => "random";
        public override ISchedulingStrategy Create() => new RandomStrategy();
    }

    /// <summary>PCT of depth <see cref="Depth"/> over <see cref="Steps"/> expected steps (null: measured by a pilot run).</summary>
    public sealed record Pct : StrategySpec
    {
        public Pct(int depth, int? steps = null)
        {
            if (depth < 1) throw new FormatException($"PCT depth must be at least 1, found {depth}");
            if (steps is < 1) throw new FormatException($"PCT expected steps must be at least 1, found {steps}");
            Depth = depth;
            Steps = steps;
        }

        public int Depth { get; }
        public int? Steps { get; }

        public override string Text => Steps is { } k
            ? string.Create(CultureInfo.InvariantCulture, $"pct:{Depth}:{k}")
            : string.Create(CultureInfo.InvariantCulture, $"pct:{Depth}");

        public override bool IsResolved => Steps is not null;

        public override ISchedulingStrategy Create() => new PctStrategy(Depth,
            Steps ?? throw new InvalidOperationException($"{Text}: resolve PCT's expected steps before creating the strategy"));

        public override StrategySpec Resolve(Func<int> expectedSteps) => Steps is null ? new Pct(Depth, Math.Max(1, expectedSteps())) : this;
    }

    /// <summary>
    /// Parses the text form; anything else is a <see cref="FormatException"/> saying what was expected. A bare
    /// "pct" takes <paramref name="defaultDepth"/> (the CLI passes stressvm.run.pct-depth or --pct-depth).
    /// </summary>
    public static StrategySpec Parse(string text, int defaultDepth = 3)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] f = text.Trim().Split(':');
        switch (f[0])
        {
            case "random" when f.Length == 1:
                return Random.Instance;
            case "pct" when f.Length is >= 1 and <= 3:
                int depth = f.Length >= 2 ? Positive(text, f[1], "depth") : defaultDepth;
                int? steps = f.Length == 3 ? Positive(text, f[2], "expected steps") : null;
                return new Pct(depth, steps);
        }
        string near = Kinds.FirstOrDefault(k => f[0].StartsWith(k, StringComparison.OrdinalIgnoreCase) || k.StartsWith(f[0], StringComparison.OrdinalIgnoreCase)) ?? "pct:3";
        throw new FormatException($"bad strategy '{text}': expected random, pct, pct:<depth> or pct:<depth>:<expected-steps> (did you mean {near}?)");
    }

    private static int Positive(string text, string field, string what) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
            ? v
            : throw new FormatException($"bad strategy '{text}': PCT {what} must be a whole number >= 1, found '{field}'");
}

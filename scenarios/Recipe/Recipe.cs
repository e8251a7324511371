using System.Globalization;
using System.Text;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>One setting of a recipe that differs from the defaults: a HOCON path and its value as written after <c>-D path=</c>.</summary>
public sealed record RecipeSetting(string Path, string Value)
{
    public override string ToString() => $"{Path}={Value}";
}

/// <summary>
/// Everything that makes a run what it is: the scenario (the name to type, and a hash of its file's
/// content), every setting that differs from the defaults (bug knobs, kernel settings such as perf.mode,
/// the step budget, the mailbox order), the typed strategy (PCT's k resolved) and the seed; plus, for a
/// swarm scenario, what the seed drew (informational: a function of scenario and seed, checked on load).
/// A run is a pure function of its recipe. The recipe alone writes the reproducers StressVm prints and
/// stores (replay command lines, schedule-file headers, soak journal records, trace ids) and alone reads
/// them back (<see cref="Parse"/>, <see cref="FromHeader"/>); the CLI turns its settings into the same
/// <c>-D</c> layer a user would type (<see cref="Overrides"/>). Built once per run; <see cref="WithSeed"/>
/// per finding.
/// </summary>
public sealed record Recipe
{
    /// <summary>What to type to load the scenario again: a built-in name or a .conf path.</summary>
    public required string Scenario { get; init; }
    /// <summary>16 hex digits of the scenario file's content (line endings normalized); null for a model without a file (the soak's toys).</summary>
    public string? ScenarioHash { get; init; }
    public required ulong Seed { get; init; }
    /// <summary>Resolved: PCT carries its k, so a replay needs no pilot run.</summary>
    public required StrategySpec Strategy { get; init; }
    /// <summary>Settings that differ from the defaults, sorted by path.</summary>
    public IReadOnlyList<RecipeSetting> Settings { get; init; } = [];
    /// <summary>A swarm scenario's draw for <see cref="Seed"/> ("load,store,munmap"); null otherwise.</summary>
    public string? Swarm { get; init; }

    /// <summary>The same recipe for another seed (and strategy, for a soak's portfolio); the swarm draw is the new seed's business.</summary>
    public Recipe WithSeed(ulong seed, StrategySpec? strategy = null) =>
        this with { Seed = seed, Strategy = strategy ?? Strategy, Swarm = seed == Seed ? Swarm : null };

    /// <summary>The settings as <c>path=value</c> assignments: a replay layers them exactly as a user's <c>-D</c>.</summary>
    public IReadOnlyList<string> Overrides => Settings.Select(s => s.ToString()).ToArray();

    // ---------------------------------------------------------------- command lines

    /// <summary>The arguments of the replay command, without the program name: replay NAME --seed S --strategy T [-D path=value]...</summary>
    public IReadOnlyList<string> ReplayArguments()
    {
        var a = new List<string> { "replay", Scenario, "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--strategy", Strategy.Text };
        foreach (var s in Settings) { a.Add("-D"); a.Add(s.ToString()); }
        return a;
    }

    /// <summary>The command that replays this recipe, as printed everywhere (shell-quoted where needed).</summary>
    public string ReplayCommand() => CommandLine.Format("stressvm", ReplayArguments());

    /// <summary>The command that minimizes this recipe's run (same options as the replay, minimize instead).</summary>
    public string MinimizeCommand()
    {
        var a = ReplayArguments().ToList();
        a[0] = "minimize";
        return CommandLine.Format("stressvm", a);
    }

    /// <summary>The command that replays a schedule file (its header carries the recipe, so no other option is needed).</summary>
    public static string ScheduleReplayCommand(string scenario, string scheduleFile) =>
        CommandLine.Format("stressvm", ["replay", scenario, "--schedule", scheduleFile]);

    // ---------------------------------------------------------------- one-line text (journal records, trace ids)

    /// <summary>
    /// One line: <c>scenario=NAME hash=HEX seed=S strategy=T [path=value]...</c>; values percent-escape
    /// space, '%' and newline. The soak journal stores it; the trace id is its hash.
    /// </summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("scenario=").Append(Escape(Scenario));
        sb.Append(" hash=").Append(ScenarioHash ?? "none");
        sb.Append(" seed=").Append(Seed.ToString(CultureInfo.InvariantCulture));
        sb.Append(" strategy=").Append(Strategy.Text);
        foreach (var s in Settings) sb.Append(' ').Append(s.Path).Append('=').Append(Escape(s.Value));
        return sb.ToString();
    }

    public override string ToString() => ToText();

    /// <summary>Two recipes are equal when they give the same run: the same text (and the same swarm note).</summary>
    public bool Equals(Recipe? other) => other is not null && ToText() == other.ToText() && Swarm == other.Swarm;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToText());

    /// <summary>Reads <see cref="ToText"/> back; anything else is a <see cref="FormatException"/> naming the token.</summary>
    public static Recipe Parse(string text)
    {
        string? scenario = null, hash = null, seed = null, strategy = null;
        var settings = new List<RecipeSetting>();
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=');
            if (eq <= 0) throw new FormatException($"bad recipe '{text}': expected key=value, found '{token}'");
            string key = token[..eq], value = Unescape(token[(eq + 1)..]);
            switch (key)
            {
                case "scenario": scenario = value; break;
                case "hash": hash = value; break;
                case "seed": seed = value; break;
                case "strategy": strategy = value; break;
                default:
                    if (!key.StartsWith("stressvm.", StringComparison.Ordinal))
                        throw new FormatException($"bad recipe '{text}': unknown key '{key}'; expected scenario, hash, seed, strategy or a stressvm.* setting");
                    settings.Add(new RecipeSetting(key, value));
                    break;
            }
        }
        return Build(scenario, hash, seed, strategy, settings, null, what => $"bad recipe '{text}': {what}");
    }

    /// <summary>What a run's trace id is derived from (TraceIds.ForRecipe): the same recipe always opens the same trace, any difference another.</summary>
    public string TraceKey => ToText();

    // ---------------------------------------------------------------- schedule headers

    /// <summary>Header keys of a schedule file (<see cref="Schedule"/>, format v2).</summary>
    public static class Header
    {
        public const string Scenario = "scenario";
        public const string ScenarioHash = "scenario-hash";
        public const string Seed = "seed";
        public const string Strategy = "strategy";
        /// <summary>The recipe's settings, space-separated path=value, or "none".</summary>
        public const string Settings = "settings";
        public const string Swarm = "swarm";
        // Not part of the recipe: what a schedule records about its run.
        public const string Invariant = "invariant";
        public const string Signature = "signature";
        public const string Steps = "steps";
        public const string MinimizedFromSteps = "minimized-from-steps";
        public const string DroppedOperations = ScheduleMinimizer.DroppedOperationsKey;

        /// <summary>Every key a schedule header may have; any other is an error on load.</summary>
        public static readonly IReadOnlyList<string> Known =
            [Scenario, ScenarioHash, Seed, Strategy, Settings, Swarm, Invariant, Signature, Steps, MinimizedFromSteps, DroppedOperations];
    }

    /// <summary>This recipe as schedule-header fields (the schedule adds invariant, steps, ...).</summary>
    public Dictionary<string, string> ToHeader()
    {
        var h = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Header.Scenario] = Scenario,
            [Header.ScenarioHash] = ScenarioHash ?? "none",
            [Header.Seed] = Seed.ToString(CultureInfo.InvariantCulture),
            [Header.Strategy] = Strategy.Text,
            [Header.Settings] = Settings.Count == 0 ? "none" : string.Join(" ", Settings.Select(s => $"{s.Path}={Escape(s.Value)}")),
        };
        if (Swarm is not null) h[Header.Swarm] = Swarm;
        return h;
    }

    /// <summary>
    /// Reads a schedule file's recipe: every recipe key must be there, every key must be known. A
    /// <see cref="FormatException"/> names the file and what is wrong.
    /// </summary>
    public static Recipe FromHeader(Schedule schedule, string file)
    {
        foreach (var key in schedule.Header.Keys)
            if (!Header.Known.Contains(key))
                throw new FormatException($"{file}: unknown header key '{key}'; expected one of: {string.Join(", ", Header.Known)}");
        var settings = new List<RecipeSetting>();
        string? st = schedule.Get(Header.Settings);
        if (st is not null && st != "none")
            foreach (var token in st.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = token.IndexOf('=');
                if (eq <= 0 || !token.StartsWith("stressvm.", StringComparison.Ordinal))
                    throw new FormatException($"{file}: header 'settings': expected stressvm.PATH=VALUE, found '{token}'");
                settings.Add(new RecipeSetting(token[..eq], Unescape(token[(eq + 1)..])));
            }
        if (st is null) throw new FormatException($"{file}: the header has no 'settings' line (write 'none' for the defaults)");
        return Build(schedule.Get(Header.Scenario), schedule.Get(Header.ScenarioHash), schedule.Get(Header.Seed),
            schedule.Get(Header.Strategy), settings, schedule.Get(Header.Swarm), what => $"{file}: {what}");
    }

    private static Recipe Build(string? scenario, string? hash, string? seed, string? strategy, List<RecipeSetting> settings,
        string? swarm, Func<string, string> where)
    {
        if (string.IsNullOrEmpty(scenario)) throw new FormatException(where("no scenario"));
        if (seed is null) throw new FormatException(where("no seed"));
        if (!ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s))
            throw new FormatException(where($"seed must be a whole number from 0 to {ulong.MaxValue}, found '{seed}'"));
        if (strategy is null) throw new FormatException(where("no strategy"));
        StrategySpec spec;
        try { spec = StrategySpec.Parse(strategy); }
        catch (FormatException e) { throw new FormatException(where(e.Message)); }
        if (!spec.IsResolved) throw new FormatException(where($"strategy '{strategy}' lacks PCT's expected steps (pct:<depth>:<steps>)"));
        if (hash is not null && hash != "none" && (hash.Length != 16 || !hash.All(Uri.IsHexDigit)))
            throw new FormatException(where($"scenario hash must be 16 hex digits, found '{hash}'"));
        var sorted = settings.OrderBy(x => x.Path, StringComparer.Ordinal).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Path == sorted[i - 1].Path) throw new FormatException(where($"setting {sorted[i].Path} appears twice"));
        return new Recipe
        {
            Scenario = scenario, ScenarioHash = hash is null or "none" ? null : hash, Seed = s, Strategy = spec,
            Settings = sorted, Swarm = swarm,
        };
    }

    /// <summary>16 hex digits of a scenario file's text, line endings normalized (a checkout with CRLF hashes the same).</summary>
    public static string HashContent(string text) =>
        StableHash.Of(text.Replace("\r\n", "\n", StringComparison.Ordinal)).ToString("x16", CultureInfo.InvariantCulture);

    private static string Escape(string v) => v.Replace("%", "%25").Replace(" ", "%20").Replace("\n", "%0A");
    private static string Unescape(string v) => v.Replace("%0A", "\n").Replace("%20", " ").Replace("%25", "%");
}

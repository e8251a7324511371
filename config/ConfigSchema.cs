using System.Globalization;
using StressVm.Config.Hocon;

namespace StressVm.Config;

/// <summary>
/// The known settings: every key under <c>stressvm</c> that HOCON.conf (the embedded defaults) defines, with the
/// type of its default. A merged configuration is checked against it, so that a misspelt key in a --config file or
/// a -D override is an error naming where it was set and the nearest known keys, never a silently ignored
/// setting (a typo in a bug knob would otherwise report a clean run of the fixed kernel).
/// Types: a boolean default takes only booleans, an integer default only integers, a number default only
/// numbers, a duration default ("30s") only durations, an object only an object; other strings take any scalar
/// (their values are checked where they are read: strategy names, URLs, kernel versions).
/// </summary>
public sealed class ConfigSchema
{
    /// <summary>Only keys under this root are checked: other top-level keys are the user's own (substitution helpers).</summary>
    public const string Root = "stressvm";

    /// <summary>
    /// Paths whose value is an open map by design (any key allowed below them). None today: every setting is a
    /// named key in HOCON.conf. A new one is declared here with a comment saying why.
    /// </summary>
    public static readonly IReadOnlyList<string> OpenMaps = Array.Empty<string>();

    private static readonly Lazy<ConfigSchema> Embedded = new(() =>
        new ConfigSchema(Resolver.Resolve(ConfigLoader.ParseDefaults(), _ => null), OpenMaps));

    private readonly HoconObject _defaults;
    private readonly HashSet<string> _openMaps;
    private readonly List<string> _known = new();

    /// <param name="defaults">A resolved tree whose <c>stressvm</c> object lists the known keys.</param>
    /// <param name="openMaps">Paths (rendered) below which any key is allowed.</param>
    public ConfigSchema(HoconObject defaults, IEnumerable<string> openMaps)
    {
        _defaults = defaults;
        _openMaps = new HashSet<string>(openMaps, StringComparer.Ordinal);
        if (defaults.TryGetValue(Root, out var r)) CollectKnown(new List<string> { Root }, r);
    }

    /// <summary>The schema of the embedded HOCON.conf.</summary>
    public static ConfigSchema Default => Embedded.Value;

    /// <summary>Every known path under <c>stressvm</c>, objects and leaves, in HOCON.conf's order.</summary>
    public IReadOnlyList<string> KnownPaths => _known;

    /// <summary>
    /// Checks a resolved configuration: every key under <c>stressvm</c> must be known and of its default's type.
    /// </summary>
    /// <exception cref="ConfigException">The first problem in document order (and how many more there are).</exception>
    public void Check(HoconObject config)
    {
        var problems = new List<ConfigException>();
        if (config.TryGetValue(Root, out var user) && _defaults.TryGetValue(Root, out var schema))
            Walk(new List<string> { Root }, schema, user, problems);
        if (problems.Count == 0) return;
        var first = problems[0];
        var more = problems.Count == 1 ? "" : $" (and {problems.Count - 1} more unknown or mistyped setting{(problems.Count == 2 ? "" : "s")})";
        throw new ConfigException(first.Message + more, first.File, first.Line, first.Column);
    }

    private void Walk(List<string> path, HoconValue schema, HoconValue user, List<ConfigException> problems)
    {
        var rendered = HoconPath.Render(path);
        if (_openMaps.Contains(rendered)) return;
        if (schema is HoconObject so)
        {
            if (user is not HoconObject uo)
            {
                problems.Add(Mistyped(rendered, "an object", user));
                return;
            }
            foreach (var (key, value) in uo.Fields)
            {
                path.Add(key);
                if (so.TryGetValue(key, out var known)) Walk(path, known, value, problems);
                else Unknown(path, value, problems);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        if (Expected(schema, user) is { } expected) problems.Add(Mistyped(rendered, expected, user));
    }

    /// <summary>Null when <paramref name="user"/> fits the type of <paramref name="schema"/>, else what was expected.</summary>
    private static string? Expected(HoconValue schema, HoconValue user)
    {
        switch (schema)
        {
            case HoconNull:
                return null;
            case HoconArray:
                return user is HoconArray ? null : "a list";
            case HoconBoolean:
                return user switch
                {
                    HoconBoolean => null,
                    HoconString { Value: "true" or "yes" or "on" or "false" or "no" or "off" } => null,
                    _ => "a boolean (true or false)",
                };
            case HoconNumber { IsInteger: true }:
                return user switch
                {
                    HoconNumber { IsInteger: true } => null,
                    HoconString s when long.TryParse(s.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => null,
                    _ => "an integer",
                };
            case HoconNumber:
                return user switch
                {
                    HoconNumber => null,
                    HoconString s when double.TryParse(s.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => null,
                    _ => "a number",
                };
            case HoconString s when IsDuration(s.Value):
                var text = user switch { HoconNumber n => n.Text, HoconString u => u.Value, _ => null };
                return text is not null && Units.TryParseDuration(text, out _)
                    ? null
                    : "a duration such as 30s, 5m or 8h (units " + Units.DurationUnitsHelp + ")";
            default:
                return user is HoconObject or HoconArray or HoconNull ? "a string" : null;
        }
    }

    /// <summary>A default written with a unit ("30s", "8h"); a bare number is not taken for one.</summary>
    private static bool IsDuration(string text) =>
        text.Any(char.IsLetter) && Units.TryParseDuration(text, out _);

    /// <summary>As the typed getters say it: <c>path P: expected T, got V (set at FILE:LINE:COLUMN)</c>.</summary>
    private static ConfigException Mistyped(string path, string expected, HoconValue user) =>
        ConfigException.BadValue(path, expected, Config.Describe(user), user.Origin);

    /// <summary>One problem per leaf set below an unknown key, with the nearest known paths.</summary>
    private void Unknown(List<string> path, HoconValue value, List<ConfigException> problems)
    {
        if (value is HoconObject o && o.Count > 0)
        {
            foreach (var (key, child) in o.Fields)
            {
                path.Add(key);
                Unknown(path, child, problems);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        var rendered = HoconPath.Render(path);
        // A typo, not a new path: allow about half the last key's length in edits over the whole path.
        var hint = NearestKeys.DidYouMean(rendered, _known, limit: Math.Max(2, path[^1].Length / 2))
                   ?? KnownUnder(path);
        var o2 = value.Origin;
        problems.Add(new ConfigException($"{Where(o2)}: unknown setting {rendered} (HOCON.conf defines no such key); {hint}",
            o2.File, o2.Line, o2.Column));
    }

    /// <summary>"known keys under P: a, b, c", for the deepest known object on the path.</summary>
    private string KnownUnder(List<string> path)
    {
        HoconValue current = _defaults;
        var deepest = new List<string>();
        foreach (var k in path)
        {
            if (current is not HoconObject o || !o.TryGetValue(k, out var next) || next is not HoconObject) break;
            deepest.Add(k);
            current = next;
        }
        var keys = current is HoconObject co ? co.Keys : Array.Empty<string>();
        return $"known keys under {HoconPath.Render(deepest)}: {string.Join(", ", keys)}";
    }

    /// <summary>Where a value was set: FILE:LINE:COLUMN, or "-D" for a command-line override.</summary>
    public static string Where(ConfigOrigin origin) =>
        origin.File is { } f && f.StartsWith("-D", StringComparison.Ordinal) ? "-D" : origin.ToString();

    private void CollectKnown(List<string> path, HoconValue v)
    {
        _known.Add(HoconPath.Render(path));
        if (v is not HoconObject o) return;
        foreach (var (k, child) in o.Fields)
        {
            path.Add(k);
            CollectKnown(path, child);
            path.RemoveAt(path.Count - 1);
        }
    }
}

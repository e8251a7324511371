using System.Globalization;
using StressVm.Config.Hocon;

namespace StressVm.Config;

/// <summary>
/// An immutable, resolved configuration tree with typed getters. Paths use HOCON path syntax
/// (<c>stressvm.run.seeds</c>, <c>a."b.c"</c>). A missing path or a value of the wrong type is a
/// <see cref="ConfigException"/> naming the full path and where the value was set.
/// Conversions follow the HOCON spec: numbers and booleans read as strings, strings that hold a number read
/// as numbers, "true/yes/on/false/no/off" read as booleans; null converts to nothing.
/// </summary>
public sealed class Config
{
    private readonly IReadOnlyList<string> _prefix;

    /// <param name="root">A resolved object (see <see cref="Resolver"/>).</param>
    /// <param name="prefix">Where this object sits in a larger configuration, for messages.</param>
    public Config(HoconObject root, IReadOnlyList<string>? prefix = null)
    {
        if (!root.IsResolved) throw new ArgumentException("the tree still holds substitutions; resolve it first", nameof(root));
        Root = root;
        _prefix = prefix ?? Array.Empty<string>();
    }

    public static Config Empty { get; } = new(new HoconObject(ConfigOrigin.Unknown));

    /// <summary>Parses and resolves one document (no defaults, no layering).</summary>
    public static Config Parse(string text, string fileName = "<string>", Func<string, string?>? environment = null,
        IIncludeResolver? includes = null) =>
        new(Resolver.Resolve(HoconParser.ParseObject(text, fileName, includes), environment));

    /// <summary>The resolved root object of this configuration.</summary>
    public HoconObject Root { get; }

    /// <summary>The path of this configuration inside the one it was taken from ("" for a root).</summary>
    public string PathPrefix => HoconPath.Render(_prefix);

    /// <summary>Child keys of the root, in document order.</summary>
    public IEnumerable<string> Keys => Root.Keys;

    /// <summary>True when the path exists and is not null.</summary>
    public bool HasPath(string path) => Find(Split(path)) is { } v && v is not HoconNull;

    /// <summary>The value at a path (any type, possibly null).</summary>
    public HoconValue GetValue(string path)
    {
        var p = Split(path);
        return Find(p) ?? throw ConfigException.BadValue(Full(p), "a value", "nothing (the path is missing)", NearestOrigin(p));
    }

    /// <summary>Where the value at a path was set, if the path exists.</summary>
    public ConfigOrigin? GetOrigin(string path) => Find(Split(path))?.Origin;

    public string GetString(string path) => AsString(Split(path), GetValue(path));

    public bool GetBool(string path)
    {
        var (p, v) = Get(path);
        switch (v)
        {
            case HoconBoolean b: return b.Value;
            case HoconString s:
                switch (s.Value)
                {
                    case "true" or "yes" or "on": return true;
                    case "false" or "no" or "off": return false;
                }
                break;
        }
        throw Wrong(p, v, "a boolean (true/false, yes/no, on/off)");
    }

    public int GetInt(string path)
    {
        var (p, v) = Get(path);
        var l = AsLong(p, v, "an integer");
        if (l is < int.MinValue or > int.MaxValue) throw Wrong(p, v, "an integer that fits 32 bits");
        return (int)l;
    }

    public long GetLong(string path)
    {
        var (p, v) = Get(path);
        return AsLong(p, v, "an integer");
    }

    public double GetDouble(string path)
    {
        var (p, v) = Get(path);
        switch (v)
        {
            case HoconNumber n: return n.DoubleValue;
            case HoconString s when IsJsonNumber(s.Value):
                return double.Parse(s.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        throw Wrong(p, v, "a number");
    }

    /// <summary>A duration: a number of milliseconds, or a string such as "30s", "1.5 h", "250ms".</summary>
    public TimeSpan GetDuration(string path)
    {
        var (p, v) = Get(path);
        var text = v switch { HoconNumber n => n.Text, HoconString s => s.Value, _ => null };
        if (text is not null && Units.TryParseDuration(text, out var d)) return d;
        throw Wrong(p, v, "a duration such as 30s, 5m or 8h (units " + Units.DurationUnitsHelp + ")");
    }

    /// <summary>A size in bytes: a number of bytes, or a string such as "512K", "10MB", "4 KiB".</summary>
    public long GetBytes(string path)
    {
        var (p, v) = Get(path);
        var text = v switch { HoconNumber n => n.Text, HoconString s => s.Value, _ => null };
        if (text is not null && Units.TryParseBytes(text, out var b)) return b;
        throw Wrong(p, v, "a size such as 512K or 10MB (units " + Units.SizeUnitsHelp + ")");
    }

    public IReadOnlyList<string> GetStringList(string path)
    {
        var (p, v) = Get(path);
        if (v is not HoconArray a) throw Wrong(p, v, "a list of strings");
        return a.Items.Select(i => i is HoconObject or HoconArray or HoconNull
            ? throw Wrong(p, i, "a list of strings")
            : Parser.SimpleText(i)).ToArray();
    }

    /// <summary>The object at a path as a configuration of its own (messages still name full paths).</summary>
    public Config GetConfig(string path)
    {
        var (p, v) = Get(path);
        if (v is not HoconObject o) throw Wrong(p, v, "an object");
        return new Config(o, _prefix.Concat(p).ToArray());
    }

    /// <summary>JSON of the whole tree: numbers as numbers, booleans as booleans; durations/sizes stay strings as written.</summary>
    public string ToJson(bool indented = true) => HoconRenderer.ToJson(Root, indented);

    /// <summary>HOCON text of the whole tree; with <paramref name="origins"/>, a comment after each value says where it was set.</summary>
    public string ToHocon(bool origins = true) => HoconRenderer.ToHocon(Root, origins);

    public override string ToString() => ToJson(indented: false);

    private (IReadOnlyList<string> Path, HoconValue Value) Get(string path)
    {
        var p = Split(path);
        var v = Find(p) ?? throw ConfigException.BadValue(Full(p), "a value", "nothing (the path is missing)", NearestOrigin(p));
        return (p, v);
    }

    private static IReadOnlyList<string> Split(string path) => HoconPath.Parse(path);

    private HoconValue? Find(IReadOnlyList<string> path)
    {
        HoconValue current = Root;
        foreach (var k in path)
        {
            if (current is not HoconObject o || !o.TryGetValue(k, out var next)) return null;
            current = next;
        }
        return current;
    }

    private ConfigOrigin NearestOrigin(IReadOnlyList<string> path)
    {
        for (var n = path.Count - 1; n >= 0; n--)
            if (Find(path.Take(n).ToArray()) is HoconObject o && n > 0) return o.Origin;
        return ConfigOrigin.Unknown;
    }

    private string Full(IReadOnlyList<string> path) => HoconPath.Render(_prefix.Concat(path));

    private ConfigException Wrong(IReadOnlyList<string> path, HoconValue v, string expected) =>
        ConfigException.BadValue(Full(path), expected, Describe(v), v.Origin);

    /// <summary>A value as shown after "got": strings quoted, others by type or text.</summary>
    public static string Describe(HoconValue v) => v switch
    {
        HoconString s => HoconPath.Quote(s.Value),
        HoconNumber n => n.Text,
        HoconBoolean b => b.Value ? "true" : "false",
        HoconNull => "null",
        HoconObject => "an object",
        HoconArray => "an array",
        _ => v.TypeName,
    };

    private string AsString(IReadOnlyList<string> path, HoconValue v) => v switch
    {
        HoconString s => s.Value,
        HoconNumber n => n.Text,
        HoconBoolean b => b.Value ? "true" : "false",
        _ => throw Wrong(path, v, "a string"),
    };

    private long AsLong(IReadOnlyList<string> path, HoconValue v, string expected)
    {
        switch (v)
        {
            case HoconNumber { IsInteger: true } n: return n.LongValue;
            case HoconString s when long.TryParse(s.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return l;
        }
        throw Wrong(path, v, expected);
    }

    private static bool IsJsonNumber(string s) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);
}

namespace StressVm.Kernel;

/// <summary>A bug knob (under stressvm.kernel.bugs) or a setting (a driver version or arch behaviour, under stressvm.kernel).</summary>
public enum KnobKind
{
    Bug,
    Setting,
}

/// <summary>
/// One row of <see cref="KernelKnobs.All"/>: the name as written in HOCON, the values it takes, and how it reads and
/// sets its <see cref="KernelKnobs"/> property. Names, lookup, overrides, schedule headers and the loader's errors
/// all come from these rows.
/// </summary>
public sealed class KernelKnob
{
    private readonly Func<KernelKnobs, string> _get;
    private readonly Func<KernelKnobs, string, KernelKnobs> _set;

    private KernelKnob(string name, KnobKind kind, IReadOnlyList<string> values, string summary,
        Func<KernelKnobs, string> get, Func<KernelKnobs, string, KernelKnobs> set)
    {
        Name = name;
        Kind = kind;
        Values = values;
        Summary = summary;
        _get = get;
        _set = set;
    }

    /// <summary>The name under its section: "wrprotect-skip-flush", "dax.version".</summary>
    public string Name { get; }

    public KnobKind Kind { get; }

    /// <summary>The full HOCON path: stressvm.kernel.bugs.NAME for a bug, stressvm.kernel.NAME for a setting.</summary>
    public string Path => (Kind == KnobKind.Bug ? KernelKnobs.BugsPath : KernelKnobs.SettingsPath) + "." + Name;

    /// <summary>Every value it takes, as written ("true"/"false" for a flag).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The value in <see cref="KernelKnobs.Upstream"/>.</summary>
    public string Default => Format(KernelKnobs.Upstream);

    /// <summary>One line: what it is (the kernel function, the bug's commit).</summary>
    public string Summary { get; }

    /// <summary>Its value in <paramref name="k"/>, as written.</summary>
    public string Format(KernelKnobs k) => _get(k);

    /// <summary><paramref name="k"/> with this knob set to <paramref name="value"/>; a bad value is an ArgumentException naming the valid ones.</summary>
    public KernelKnobs Apply(KernelKnobs k, string value)
    {
        string v = Normalize(value);
        if (!Values.Contains(v))
            throw new ArgumentException($"{Name} must be {string.Join(" or ", Values)}, found '{value}'");
        return _set(k, v);
    }

    /// <summary>True when <paramref name="value"/> is one of <see cref="Values"/> (true/on/yes and false/off/no for a flag).</summary>
    public bool Accepts(string value) => Values.Contains(Normalize(value));

    private string Normalize(string value) =>
        Values is [ "true", "false" ] ? value switch { "on" or "yes" => "true", "off" or "no" => "false", _ => value } : value;

    private static readonly string[] Flag = ["true", "false"];

    /// <summary>A bug knob: false = upstream v7.0-rc6, true = the historical bug.</summary>
    internal static KernelKnob Bug(string name, string summary,
        Func<KernelKnobs, bool> get, Func<KernelKnobs, bool, KernelKnobs> set) =>
        new(name, KnobKind.Bug, Flag, summary, k => get(k) ? "true" : "false", (k, v) => set(k, v == "true"));

    /// <summary>A true/false setting.</summary>
    internal static KernelKnob Switch(string name, string summary, Func<KernelKnobs, bool> get, Func<KernelKnobs, bool, KernelKnobs> set) =>
        new(name, KnobKind.Setting, Flag, summary, k => get(k) ? "true" : "false", (k, v) => set(k, v == "true"));

    /// <summary>A setting that picks one of an enum's values, each written as given in <paramref name="names"/>.</summary>
    internal static KernelKnob Choice<T>(string name, string summary, (T Value, string Text)[] names,
        Func<KernelKnobs, T> get, Func<KernelKnobs, T, KernelKnobs> set) where T : struct, Enum =>
        new(name, KnobKind.Setting, names.Select(n => n.Text).ToArray(), summary,
            k => names.First(n => EqualityComparer<T>.Default.Equals(n.Value, get(k))).Text,
            (k, v) => set(k, names.First(n => n.Text == v).Value));
}

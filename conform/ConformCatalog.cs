using System.Reflection;
using StressVm.Scenarios;

namespace StressVm.Conform;

/// <summary>
/// The conformance scenarios (conform/scenarios/*.conf, compiled in) and the CI subset
/// (conform/scenarios/ci-subset.txt). They live apart from the built-in catalogue: they are litmus tests
/// for the real kernel, not knob tests for the model.
/// </summary>
public static class ConformCatalog
{
    private const string Prefix = "conform/scenarios/";

    public static IReadOnlyList<string> Names =>
        typeof(ConformCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".conf", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^5]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The names CI runs (ci-subset.txt: one name a line, # comments).</summary>
    public static IReadOnlyList<string> CiSubset =>
        Text("ci-subset.txt").Split('\n').Select(l => (l.IndexOf('#') is var h and >= 0 ? l[..h] : l).Trim())
            .Where(l => l.Length > 0).ToArray();

    public static bool Exists(string name) => Names.Contains(name);

    public static ScenarioSpec Load(string name) => ScenarioLoader.Parse(Text(name + ".conf"), Prefix + name + ".conf", name);

    /// <summary>A conformance scenario's name, "ci" or "all" (sets), a built-in scenario's name, or a .conf file.</summary>
    public static IReadOnlyList<ScenarioSpec> Resolve(string arg) => arg switch
    {
        "all" => Names.Select(Load).ToArray(),
        "ci" => CiSubset.Select(Load).ToArray(),
        _ when Exists(arg) => [Load(arg)],
        _ => [ScenarioCatalog.Load(arg)],
    };

    private static string Text(string file)
    {
        using var s = typeof(ConformCatalog).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"no conformance scenario file '{file}'");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}

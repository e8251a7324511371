using System.Reflection;

namespace StressVm.Scenarios;

/// <summary>The built-in scenarios (scenarios/*.conf, embedded as "scenarios/NAME.conf") and loading by name or path.</summary>
public static class ScenarioCatalog
{
    private const string Prefix = "scenarios/";
    private static readonly Assembly Asm = typeof(ScenarioCatalog).Assembly;

    /// <summary>Built-in scenario names, sorted.</summary>
    public static IReadOnlyList<string> Names =>
        Asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".conf", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".conf".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string BuiltinText(string name)
    {
        using var s = Asm.GetManifestResourceStream(Prefix + name + ".conf") ?? throw new FileNotFoundException($"no built-in scenario '{name}'");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static ScenarioSpec LoadBuiltin(string name) => ScenarioLoader.Parse(BuiltinText(name), Prefix + name + ".conf", name);

    /// <summary>What to type to load <paramref name="spec"/> again: its built-in name, or its file's path.</summary>
    public static string CommandLineName(ScenarioSpec spec) =>
        spec.Source == Prefix + spec.Name + ".conf" && Names.Contains(spec.Name) ? spec.Name : spec.Source ?? spec.Name;

    /// <summary>A path to a .conf file, or the name of a built-in scenario.</summary>
    public static ScenarioSpec Load(string nameOrPath)
    {
        if (File.Exists(nameOrPath)) return ScenarioLoader.Parse(File.ReadAllText(nameOrPath), nameOrPath);
        if (Names.Contains(nameOrPath)) return LoadBuiltin(nameOrPath);
        throw new FileNotFoundException($"no scenario '{nameOrPath}': not a file, and not one of the built-ins ({string.Join(", ", Names)})");
    }
}

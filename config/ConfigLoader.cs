using StressVm.Config.Hocon;

namespace StressVm.Config;

/// <summary>
/// Loads the configuration the way Akka does: the embedded defaults (HOCON.conf) &lt;- the user's file
/// &lt;- <c>-D path=value</c> overrides, merged as unresolved trees and only then resolved, so an override
/// also changes every default that refers to it through <c>${...}</c>. Paths not found in the tree
/// (typically <c>${?OTEL_EXPORTER_OTLP_ENDPOINT}</c>) fall back to the environment.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The name the embedded defaults carry in messages.</summary>
    public const string DefaultsName = "HOCON.conf";

    /// <param name="userFile">A HOCON file layered over the defaults, or null.</param>
    /// <param name="overrides"><c>path=value</c> strings (from <c>-D</c>); each value is parsed as a HOCON value.</param>
    /// <param name="environment">Lookup for substitutions not found in the tree. Null: the process environment,
    /// unless <paramref name="noDefaults"/> is set, in which case there is no environment fallback.</param>
    /// <param name="noDefaults">Leave out the embedded defaults (just the user's file and overrides).</param>
    /// <exception cref="ConfigException">Unreadable file, syntax error, unresolvable substitution; with the
    /// defaults, a key under stressvm that HOCON.conf does not define or a value of the wrong type
    /// (<see cref="ConfigSchema"/>).</exception>
    public static Config Load(string? userFile, IReadOnlyList<string> overrides, Func<string, string?>? environment = null,
        bool noDefaults = false)
    {
        string? text = null;
        if (userFile is not null)
        {
            try { text = File.ReadAllText(userFile); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
                throw new ConfigException($"{userFile}: found {reason}, expected a readable configuration file", userFile);
            }
        }
        return LoadText(text, userFile ?? "<none>", overrides, environment, noDefaults);
    }

    /// <summary>As <see cref="Load"/>, with the user's configuration given as text (null: none).</summary>
    public static Config LoadText(string? userText, string userFileName, IReadOnlyList<string>? overrides = null,
        Func<string, string?>? environment = null, bool noDefaults = false)
    {
        HoconObject root = new(new ConfigOrigin(userFileName, 1, 1));
        if (!noDefaults) root = ParseDefaults();
        if (userText is not null)
            root = Merger.MergeObjects(root, HoconParser.ParseObject(userText, userFileName));
        foreach (var o in overrides ?? Array.Empty<string>())
            root = Merger.MergeObjects(root, ParseOverride(o));
        var env = environment ?? (noDefaults ? null : Environment.GetEnvironmentVariable);
        var resolved = Resolver.Resolve(root, env);
        // Strict: with the defaults as the schema, an unknown or mistyped key under stressvm is an error.
        if (!noDefaults) ConfigSchema.Default.Check(resolved);
        return new Config(resolved);
    }

    /// <summary>The embedded HOCON.conf, unresolved.</summary>
    public static HoconObject ParseDefaults() => HoconParser.ParseObject(DefaultsText(), DefaultsName);

    /// <summary>The text of the embedded HOCON.conf.</summary>
    public static string DefaultsText()
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(DefaultsName)
            ?? throw new InvalidOperationException("the embedded resource HOCON.conf is missing from StressVm.Config");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// One <c>path=value</c> override as an object holding just that path. The value is a HOCON value
    /// (<c>7</c>, <c>true</c>, <c>"http://x:4317"</c>, <c>[a, b]</c>, <c>${other.path}</c>); empty is "".
    /// </summary>
    public static HoconObject ParseOverride(string assignment)
    {
        var eqAt = assignment.IndexOf('=');
        var file = "-D " + (eqAt < 0 ? assignment : assignment[..eqAt]).Trim();
        var eq = eqAt;
        if (eq < 0)
            throw ConfigException.Syntax(new ConfigOrigin(file, 1, assignment.Length + 1), "no '='", "path=value");
        var pathText = assignment[..eq];
        if (string.IsNullOrWhiteSpace(pathText))
            throw ConfigException.Syntax(new ConfigOrigin(file, 1, 1), "'=' with no path before it", "path=value");
        var path = HoconPath.Parse(pathText, file);
        HoconValue value = HoconParser.ParseValue(assignment[(eq + 1)..], file, path, column: eq + 2);
        for (var i = path.Count - 1; i >= 0; i--)
        {
            var o = new HoconObject(new ConfigOrigin(file, 1, 1));
            o.Set(path[i], value);
            value = o;
        }
        return (HoconObject)value;
    }
}

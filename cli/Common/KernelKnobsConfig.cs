using StressVm.Config;
using StressVm.Kernel;

namespace StressVm.Cli.Common;

/// <summary>
/// The user's stressvm.kernel.bugs.* and stressvm.kernel.* values (from --config or -D), read through the one
/// table <see cref="KernelKnobs.All"/>. Values that come from the built-in defaults (HOCON.conf) are not
/// overrides: a scenario's own pins win over them, and the user's values win over the scenario's.
/// </summary>
public static class KernelKnobsConfig
{
    /// <summary>The bug knobs a user set, by name.</summary>
    public static Dictionary<string, bool> UserOverrides(StressVm.Config.Config config) =>
        User(config, KnobKind.Bug).ToDictionary(e => e.Key, e => e.Value == "true", StringComparer.Ordinal);

    /// <summary>The settings (perf.mode, fbdefio.version, dax.version, ...) a user set, by name, as written.</summary>
    public static Dictionary<string, string> UserSettingOverrides(StressVm.Config.Config config) =>
        User(config, KnobKind.Setting);

    private static Dictionary<string, string> User(StressVm.Config.Config config, KnobKind kind)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var knob in KernelKnobs.All)
        {
            if (knob.Kind != kind || !config.HasPath(knob.Path)) continue;
            var origin = config.GetOrigin(knob.Path);
            if (origin is { } o && o.File == ConfigLoader.DefaultsName) continue;
            string v = config.GetString(knob.Path);
            if (!knob.Accepts(v))
                throw new ConfigException($"path {knob.Path}: expected {string.Join(" or ", knob.Values)}, got \"{v}\"{(origin is { } at ? $" (set at {at})" : "")}");
            d[knob.Name] = knob.Format(knob.Apply(KernelKnobs.Upstream, v));
        }
        return d;
    }
}

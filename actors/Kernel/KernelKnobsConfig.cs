using StressVm.Config;

namespace StressVm.Kernel;

/// <summary>Reads the knobs from <c>stressvm.kernel.bugs</c>.</summary>
public static class KernelKnobsConfig
{
    public const string Path = "stressvm.kernel.bugs";

    /// <summary>Every knob's value in <paramref name="config"/> (missing keys stay upstream-correct).</summary>
    public static KernelKnobs FromConfig(StressVm.Config.Config config)
    {
        var k = KernelKnobs.Upstream;
        foreach (var name in KernelKnobs.Names)
            if (config.HasPath($"{Path}.{name}")) k = k.With(name, config.GetBool($"{Path}.{name}"));
        foreach (var name in KernelKnobs.SettingNames)
            if (config.HasPath($"{SettingsPath}.{name}")) k = k.WithSetting(name, config.GetString($"{SettingsPath}.{name}"));
        return k;
    }

    /// <summary>Non-bug settings (driver versions, arch) live directly under stressvm.kernel.</summary>
    public const string SettingsPath = "stressvm.kernel";

    /// <summary>The settings (perf.mode, fbdefio.version, faultaround.old-ptes, arch.hw-access-flag) a user set, as overrides.</summary>
    public static Dictionary<string, string> UserSettingOverrides(StressVm.Config.Config config)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in KernelKnobs.SettingNames)
        {
            string p = $"{SettingsPath}.{name}";
            if (!config.HasPath(p)) continue;
            if (config.GetOrigin(p) is { } o && o.File == ConfigLoader.DefaultsName) continue;
            string v = config.GetString(p);
            try { KernelKnobs.Upstream.WithSetting(name, v); }
            catch (ArgumentException e) { throw new ConfigException($"{p}: {e.Message}"); }
            d[name] = v;
        }
        return d;
    }

    /// <summary>
    /// The knobs a user set (in --config or -D), as overrides that win over a scenario's pins; values that
    /// come from the built-in defaults (HOCON.conf) are not overrides.
    /// </summary>
    public static Dictionary<string, bool> UserOverrides(StressVm.Config.Config config)
    {
        var d = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in KernelKnobs.Names)
        {
            string p = $"{Path}.{name}";
            if (!config.HasPath(p)) continue;
            if (config.GetOrigin(p) is { } o && o.File == ConfigLoader.DefaultsName) continue;
            d[name] = config.GetBool(p);
        }
        return d;
    }
}

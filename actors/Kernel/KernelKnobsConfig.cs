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
        return k;
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

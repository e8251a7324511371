using System.CommandLine;
using System.Globalization;
using StressVm.Kernel;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary>
/// Options shared by run and replay: --config FILE and -D path=value, read for stressvm.kernel.bugs.* and
/// stressvm.run.*. Interim, until cli/Common/ConfigOptions.cs and ConfigLoader are merged.
/// </summary>
internal static class KernelCliOptions
{
    public static Option<string?> Config() => new("--config") { Description = "A HOCON file with settings (stressvm.run.*, stressvm.kernel.bugs.*)" };

    public static Option<string[]> Defines() => new("-D")
    {
        Description = "Override a setting: -D stressvm.kernel.bugs.wrprotect-skip-flush=true (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Applies a config file and then -D overrides to the run settings.</summary>
    public static RunSettings Apply(RunSettings s, string? configFile, IEnumerable<string> defines)
    {
        var values = new List<(string Path, string Value, string Where)>();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new ScenarioException($"config file not found", configFile, 0, 0);
            Flatten(ScenarioParser.Parse(File.ReadAllText(configFile), configFile), "", values);
        }
        foreach (var d in defines)
        {
            int eq = d.IndexOf('=');
            if (eq <= 0) throw new ScenarioException($"expected path=value, found '{d}'", "-D", 1, 1);
            values.Add((d[..eq].Trim(), d[(eq + 1)..].Trim(), "-D"));
        }
        var knobs = new Dictionary<string, bool>(s.KnobOverrides);
        var settings = new Dictionary<string, string>(s.SettingOverrides);
        foreach (var (path, value, where) in values)
        {
            const string bugs = "stressvm.kernel.bugs.";
            if (path.StartsWith(bugs, StringComparison.Ordinal))
            {
                string knob = path[bugs.Length..];
                if (!KernelKnobs.IsKnob(knob)) throw new ScenarioException($"unknown bug knob '{knob}'; known: {string.Join(", ", KernelKnobs.Names)}", where, 1, 1);
                knobs[knob] = value switch { "true" or "on" => true, "false" or "off" => false, _ => throw new ScenarioException($"{path} must be true or false, found '{value}'", where, 1, 1) };
                continue;
            }
            const string kernel = "stressvm.kernel.";
            if (path.StartsWith(kernel, StringComparison.Ordinal) && KernelKnobs.IsSetting(path[kernel.Length..]))
            {
                string name = path[kernel.Length..];
                try { KernelKnobs.Upstream.WithSetting(name, value); }
                catch (ArgumentException e) { throw new ScenarioException(e.Message, where, 1, 1); }
                settings[name] = value;
                continue;
            }
            s = path switch
            {
                "stressvm.run.seeds" => s with { Seeds = Int(path, value, where) },
                "stressvm.run.first-seed" => s with { FirstSeed = (ulong)Int(path, value, where) },
                "stressvm.run.strategy" => s with { Strategy = value },
                "stressvm.run.pct-depth" => s with { PctDepth = Int(path, value, where) },
                "stressvm.run.max-steps" => s with { MaxSteps = Int(path, value, where) },
                _ => s,
            };
        }
        return s with { KnobOverrides = knobs, SettingOverrides = settings };
    }

    private static int Int(string path, string v, string where) =>
        int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int r) ? r : throw new ScenarioException($"{path} must be an integer, found '{v}'", where, 1, 1);

    private static void Flatten(SObject o, string prefix, List<(string, string, string)> into)
    {
        foreach (var k in o.Keys)
        {
            var v = o[k]!;
            string path = prefix.Length == 0 ? k : prefix + "." + k;
            if (v is SObject child) Flatten(child, path, into);
            else if (v is SScalar s) into.Add((path, s.Text, $"{v.File}:{v.Line}:{v.Column}"));
        }
    }
}

using StressVm.Config;
using StressVm.Config.Hocon;

namespace StressVm.Scenarios;

/// <summary>Scenario files are HOCON: parsed and resolved by StressVm.Config, then turned into the loader's positioned tree.</summary>
public static class HoconAdapter
{
    /// <summary>Parses <paramref name="text"/>; a syntax error becomes a <see cref="ScenarioException"/> with its position.</summary>
    public static SObject Parse(string text, string file)
    {
        try
        {
            var config = StressVm.Config.Config.Parse(text, file, _ => null);
            return (SObject)Convert(config.Root, file);
        }
        catch (ConfigException e)
        {
            throw new ScenarioException(StripPosition(e.Message), e.File ?? file, e.Line, e.Column);
        }
    }

    private static string StripPosition(string m)
    {
        // ConfigException messages start with "FILE:LINE:COL: "; ScenarioException adds its own.
        int i = m.IndexOf(": ", StringComparison.Ordinal);
        return i > 0 && m[..i].Count(c => c == ':') >= 2 ? m[(i + 2)..] : m;
    }

    private static SValue Convert(HoconValue v, string file)
    {
        var o = v.Origin;
        string f = o.File ?? file;
        switch (v)
        {
            case HoconObject obj:
            {
                var s = new SObject(f, o.Line, o.Column);
                foreach (var (k, child) in obj.Fields) s.Set(k, Convert(child, file));
                return s;
            }
            case HoconArray arr:
            {
                var a = new SArray(f, o.Line, o.Column);
                foreach (var item in arr.Items) a.Items.Add(Convert(item, file));
                return a;
            }
            case HoconString str:
                return new SScalar(str.Value, true, f, o.Line, o.Column);
            default:
                return new SScalar(v.ToString() ?? "", false, f, o.Line, o.Column);
        }
    }
}

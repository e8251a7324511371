using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StressVm.Config.Hocon;

/// <summary>Writes a resolved tree as JSON or as HOCON text.</summary>
public static partial class HoconRenderer
{
    /// <summary>
    /// JSON: numbers as numbers, booleans as booleans, null as null. Strings (including durations and sizes
    /// such as "30s" or "512K") stay as the strings written in the configuration.
    /// </summary>
    public static string ToJson(HoconValue value, bool indented = true)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value, indented, 0);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, HoconValue v, bool indented, int depth)
    {
        switch (v)
        {
            case HoconObject o:
                if (o.Count == 0) { sb.Append("{}"); return; }
                sb.Append('{');
                var first = true;
                foreach (var (k, child) in o.Fields)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    NewLine(sb, indented, depth + 1);
                    sb.Append(HoconPath.Quote(k)).Append(indented ? ": " : ":");
                    WriteJson(sb, child, indented, depth + 1);
                }
                NewLine(sb, indented, depth);
                sb.Append('}');
                return;
            case HoconArray a:
                if (a.Items.Count == 0) { sb.Append("[]"); return; }
                sb.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    NewLine(sb, indented, depth + 1);
                    WriteJson(sb, a.Items[i], indented, depth + 1);
                }
                NewLine(sb, indented, depth);
                sb.Append(']');
                return;
            case HoconNumber n when JsonNumber().IsMatch(n.Text):
                sb.Append(n.Text); // as written, when it is already valid JSON
                return;
            default:
                sb.Append(Scalar(v));
                return;
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    /// <summary>
    /// HOCON text: nested objects in braces, strings quoted. With <paramref name="origins"/>, each value is
    /// followed by a comment saying where it was set.
    /// </summary>
    public static string ToHocon(HoconObject root, bool origins = true)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in root.Fields) WriteField(sb, k, v, 0, origins);
        return sb.ToString();
    }

    private static void WriteField(StringBuilder sb, string key, HoconValue v, int depth, bool origins)
    {
        sb.Append(' ', depth * 4).Append(HoconPath.RenderKey(key));
        if (v is HoconObject o)
        {
            if (o.Count == 0) { sb.Append(" {}\n"); return; }
            sb.Append(" {\n");
            foreach (var (k, child) in o.Fields) WriteField(sb, k, child, depth + 1, origins);
            sb.Append(' ', depth * 4).Append("}\n");
            return;
        }
        sb.Append(" = ");
        WriteHoconValue(sb, v, depth);
        if (origins && v.Origin.IsKnown) sb.Append("  # ").Append(v.Origin);
        sb.Append('\n');
    }

    private static void WriteHoconValue(StringBuilder sb, HoconValue v, int depth)
    {
        switch (v)
        {
            case HoconArray a:
                if (a.Items.All(i => i is not (HoconObject or HoconArray)))
                {
                    sb.Append('[').Append(string.Join(", ", a.Items.Select(Scalar))).Append(']');
                    return;
                }
                sb.Append("[\n");
                for (var i = 0; i < a.Items.Count; i++)
                {
                    sb.Append(' ', (depth + 1) * 4);
                    WriteHoconValue(sb, a.Items[i], depth + 1);
                    sb.Append(i < a.Items.Count - 1 ? ",\n" : "\n");
                }
                sb.Append(' ', depth * 4).Append(']');
                return;
            case HoconObject o:
                sb.Append(ToJson(o, indented: false));
                return;
            default:
                sb.Append(Scalar(v));
                return;
        }
    }

    private static string Scalar(HoconValue v) => v switch
    {
        HoconString s => HoconPath.Quote(s.Value),
        HoconNumber n when JsonNumber().IsMatch(n.Text) => n.Text,
        HoconNumber n => n.IsInteger ? n.LongValue.ToString(CultureInfo.InvariantCulture) : JsonDouble(n.DoubleValue),
        HoconBoolean b => b.Value ? "true" : "false",
        HoconNull => "null",
        _ => throw new InvalidOperationException($"cannot render an unresolved {v.TypeName}"),
    };

    private static string JsonDouble(double d) =>
        double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static void NewLine(StringBuilder sb, bool indented, int depth)
    {
        if (!indented) return;
        sb.Append('\n').Append(' ', depth * 2);
    }
}

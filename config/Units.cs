using System.Globalization;
using System.Text.RegularExpressions;

namespace StressVm.Config;

/// <summary>
/// HOCON's unit formats: a number, optional whitespace, an optional unit made of letters.
/// Durations (bare number = milliseconds): ns, us, ms, s, m, h, d and their long forms, lowercase only.
/// Sizes (bare number = bytes): B; kB, MB, ... YB are powers of 10; K/k/Ki/KiB, M/m/Mi/MiB, ... are powers of 2.
/// </summary>
public static partial class Units
{
    [GeneratedRegex(@"^\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*(\p{L}*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberAndUnit();

    private static readonly Dictionary<string, decimal> NanosPerUnit = BuildDurationUnits();
    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildSizeUnits();

    /// <summary>The duration units accepted, for messages.</summary>
    public const string DurationUnitsHelp = "ns, us, ms, s, m, h, d (or nanoseconds ... days); a bare number is milliseconds";

    /// <summary>The size units accepted, for messages.</summary>
    public const string SizeUnitsHelp = "B, kB/MB/GB... (powers of 10), K/M/G or KiB/MiB/GiB... (powers of 2); a bare number is bytes";

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (!TrySplit(text, out var number, out var unit)) return false;
        if (unit.Length == 0) unit = "ms";
        if (!NanosPerUnit.TryGetValue(unit, out var nanos)) return false;
        try
        {
            var ticks = decimal.Round(number * nanos / 100m, MidpointRounding.AwayFromZero);
            if (ticks > long.MaxValue || ticks < long.MinValue) return false;
            duration = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException) { return false; }
    }

    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        if (!TrySplit(text, out var number, out var unit)) return false;
        if (unit.Length == 0) unit = "B";
        if (!BytesPerUnit.TryGetValue(unit, out var factor)) return false;
        try
        {
            var value = decimal.Truncate(number * factor);
            if (value > long.MaxValue || value < long.MinValue) return false;
            bytes = (long)value;
            return true;
        }
        catch (OverflowException) { return false; }
    }

    private static bool TrySplit(string text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
        var m = NumberAndUnit().Match(text);
        if (!m.Success) return false;
        unit = m.Groups[2].Value;
        return decimal.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private static Dictionary<string, decimal> BuildDurationUnits()
    {
        var d = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal nanos, params string[] names) { foreach (var n in names) d[n] = nanos; }
        Add(1m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(1_000m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(1_000_000m, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(1_000_000_000m, "s", "second", "seconds");
        Add(60m * 1_000_000_000m, "m", "minute", "minutes");
        Add(3600m * 1_000_000_000m, "h", "hour", "hours");
        Add(86400m * 1_000_000_000m, "d", "day", "days");
        return d;
    }

    private static Dictionary<string, decimal> BuildSizeUnits()
    {
        var d = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var n in new[] { "B", "b", "byte", "bytes" }) d[n] = 1m;
        var decimalNames = new[] { ("k", "kilo"), ("M", "mega"), ("G", "giga"), ("T", "tera"), ("P", "peta"), ("E", "exa"), ("Z", "zetta"), ("Y", "yotta") };
        var binaryNames = new[] { ("K", "kibi"), ("M", "mebi"), ("G", "gibi"), ("T", "tebi"), ("P", "pebi"), ("E", "exbi"), ("Z", "zebi"), ("Y", "yobi") };
        decimal ten = 1m, two = 1m;
        for (var i = 0; i < decimalNames.Length; i++)
        {
            ten *= 1000m;
            two *= 1024m;
            var (sym, word) = decimalNames[i];
            d[sym + "B"] = ten;
            d[word + "byte"] = ten;
            d[word + "bytes"] = ten;
            var (bsym, bword) = binaryNames[i];
            d[bsym] = two;
            d[bsym.ToLowerInvariant()] = two;
            d[bsym + "i"] = two;
            d[bsym + "iB"] = two;
            d[bword + "byte"] = two;
            d[bword + "bytes"] = two;
        }
        return d;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace StressVm.Scenarios.Soak;

/// <summary>Parses durations as people write them: "8h", "90m", "45s", "1h30m", "2d", or "hh:mm:ss".</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Units();

    public static TimeSpan Parse(string text)
    {
        var m = Units().Match(text);
        if (m.Success && text.Trim().Length > 0 && Enumerable.Range(1, 4).Any(i => m.Groups[i].Success))
        {
            long Part(int i) => m.Groups[i].Success ? long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
            return TimeSpan.FromDays(Part(1)) + TimeSpan.FromHours(Part(2)) + TimeSpan.FromMinutes(Part(3)) + TimeSpan.FromSeconds(Part(4));
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t)) return t;
        throw new FormatException($"bad duration '{text}': expected e.g. 8h, 90m, 45s, 1h30m or hh:mm:ss");
    }
}

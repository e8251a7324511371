using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Common;

/// <summary>
/// Range rules for command-line options: each option parses its own text and says what it expects in one line
/// naming the option (<c>--seeds: expected an integer >= 1, got '0'</c>), never a .NET type name. A bad value is
/// a parse error, so exit code 2 before any work starts. <see cref="Harden"/> gives every numeric option without
/// a rule of its own a plain parser, so that no option can print "System.Nullable`1[System.Int32]".
/// </summary>
public static class OptionRules
{
    /// <summary>An integer of at least <paramref name="min"/> (and at most <paramref name="max"/>).</summary>
    public static Option<int?> AtLeast(this Option<int?> o, int min, int max = int.MaxValue)
    {
        o.CustomParser = r => (int?)Whole(r, o.Name, min, max);
        return o;
    }

    /// <inheritdoc cref="AtLeast(Option{int?}, int, int)"/>
    public static Option<int> AtLeast(this Option<int> o, int min, int max = int.MaxValue)
    {
        o.CustomParser = r => (int)(Whole(r, o.Name, min, max) ?? min);
        return o;
    }

    /// <inheritdoc cref="AtLeast(Option{int?}, int, int)"/>
    public static Option<long?> AtLeast(this Option<long?> o, long min, long max = long.MaxValue)
    {
        o.CustomParser = r => Whole(r, o.Name, min, max);
        return o;
    }

    /// <summary>A seed: an integer from 0 to 2^64 - 1.</summary>
    public static Option<ulong?> Seed(this Option<ulong?> o)
    {
        o.CustomParser = r =>
        {
            var text = Text(r);
            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
            r.AddError($"{o.Name}: expected a seed, an integer from 0 to {ulong.MaxValue}, got '{text}'");
            return null;
        };
        return o;
    }

    /// <summary>A number greater than <paramref name="above"/>.</summary>
    public static Option<double> Above(this Option<double> o, double above)
    {
        o.CustomParser = r =>
        {
            var text = Text(r);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v > above) return v;
            r.AddError($"{o.Name}: expected a number > {above.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
            return above;
        };
        return o;
    }

    /// <summary>One of <paramref name="choices"/>, exactly as written.</summary>
    public static Option<string?> OneOf(this Option<string?> o, IEnumerable<string> choices)
    {
        var list = choices.ToArray();
        o.CustomParser = r =>
        {
            var text = Text(r);
            if (list.Contains(text, StringComparer.Ordinal)) return text;
            var near = Config.NearestKeys.DidYouMean(text, list);
            r.AddError($"{o.Name}: expected one of {string.Join(", ", list)}, got '{text}'{(near is null ? "" : "; " + near)}");
            return null;
        };
        return o;
    }

    /// <summary>
    /// A soak duration (8h, 90m, 1h30m, 45s or hh:mm:ss, as <see cref="DurationText"/> reads them) of at least
    /// <paramref name="min"/>; the option keeps its text, which the command parses again.
    /// </summary>
    public static Option<string?> DurationAtLeast(this Option<string?> o, TimeSpan min, string why = "")
    {
        o.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            var text = result.Tokens[0].Value;
            TimeSpan d;
            try { d = DurationText.Parse(text); }
            catch (FormatException)
            {
                result.AddError($"{o.Name}: expected a duration such as 8h, 90m, 45s, 1h30m or hh:mm:ss, got '{text}'");
                return;
            }
            if (d < min) result.AddError($"{o.Name}: expected a duration of at least {Show(min)}{why}, got '{text}'");
        });
        return o;
    }

    /// <summary>Gives every numeric option of the tree that has no parser of its own a plain one (no .NET type names).</summary>
    public static void Harden(Command command)
    {
        foreach (var option in command.Options)
            switch (option)
            {
                case Option<int?> { CustomParser: null } o: o.AtLeast(int.MinValue); break;
                case Option<int> { CustomParser: null } o: o.AtLeast(int.MinValue); break;
                case Option<long?> { CustomParser: null } o: o.AtLeast(long.MinValue); break;
                case Option<ulong?> { CustomParser: null } o: o.Seed(); break;
                case Option<double> { CustomParser: null } o: o.Above(double.MinValue); break;
            }
        foreach (var sub in command.Subcommands) Harden(sub);
    }

    private static long? Whole(ArgumentResult r, string name, long min, long max)
    {
        var text = Text(r);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        string expected = (min, max) switch
        {
            (long.MinValue or int.MinValue, long.MaxValue or int.MaxValue) => "an integer",
            (_, long.MaxValue or int.MaxValue) => $"an integer >= {min}",
            _ => $"an integer from {min} to {max}",
        };
        r.AddError($"{name}: expected {expected}, got '{text}'");
        return null;
    }

    private static string Text(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : "";

    private static string Show(TimeSpan t) =>
        t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds) ? $"{t.TotalSeconds:0}s" : $"{t.TotalMilliseconds:0}ms";
}

using System.Globalization;
using System.Text;

namespace StressVm.Runtime;

/// <summary>What a recorded choice decided: which actor stepped, or which value a model drew.</summary>
public enum ChoiceKind : byte { Actor = 0, Value = 1 }

/// <summary>One recorded nondeterministic choice. For an actor choice, <see cref="Name"/> names it for precise replay errors.</summary>
public readonly record struct Choice(ChoiceKind Kind, int Value, int Bound, string? Name);

/// <summary>
/// A recorded schedule: every choice of one run, in order, plus what produced it. The text form (format v2):
/// the line <c># stressvm schedule v2</c>, then <c># key: value</c> header lines (the run's recipe, written
/// and read by the scenarios' Recipe, and what the schedule records about its run), then one choice a line
/// (<c>A 3 cpu1</c>: actor 3, named cpu1, stepped; <c>V 7 16</c>: a model drew 7 out of [0, 16)), so a
/// person can read and edit it. Parsing is strict: an unknown version, a header line after the first choice,
/// a repeated key or any line that is neither is an error naming the file, line and column.
/// </summary>
public sealed class Schedule
{
    public const int FormatVersion = 2;
    public const string MagicPrefix = "# stressvm schedule v";
    public static readonly string Magic = MagicPrefix + FormatVersion.ToString(CultureInfo.InvariantCulture);

    public Schedule(IReadOnlyList<Choice> choices, IReadOnlyDictionary<string, string> header, int firstChoiceLine = 0)
    {
        Choices = choices;
        Header = header;
        FirstChoiceLine = firstChoiceLine;
    }

    public IReadOnlyList<Choice> Choices { get; }
    public IReadOnlyDictionary<string, string> Header { get; }

    /// <summary>The line of the first choice in the file it was parsed from (0 when not parsed): choice i is on line FirstChoiceLine + i.</summary>
    public int FirstChoiceLine { get; }

    public string? Get(string key) => Header.TryGetValue(key, out var v) ? v : null;

    public int ActorChoices => Choices.Count(c => c.Kind == ChoiceKind.Actor);

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(Magic).Append('\n');
        foreach (var (k, v) in Header.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append("# ").Append(k).Append(": ").Append(v).Append('\n');
        foreach (var c in Choices)
        {
            if (c.Kind == ChoiceKind.Actor) sb.Append("A ").Append(c.Value).Append(' ').Append(c.Name).Append('\n');
            else sb.Append("V ").Append(c.Value).Append(' ').Append(c.Bound).Append('\n');
        }
        return sb.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, ToText());

    public static Schedule Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses the text form; a bad line is a <see cref="FormatException"/> naming the file, line and column.</summary>
    public static Schedule Parse(string text, string fileName = "<schedule>")
    {
        var choices = new List<Choice>();
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        string first = lines[0].TrimEnd('\r');
        if (!first.StartsWith(MagicPrefix, StringComparison.Ordinal))
            throw new FormatException($"{fileName}:1:1: expected '{Magic}', found '{Clip(first)}': not a StressVm schedule");
        if (first != Magic)
        {
            bool older = int.TryParse(first[MagicPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v < FormatVersion;
            throw new FormatException(older
                ? $"{fileName}:1:1: schedule format v{v} was written by an older StressVm and is not read any more; record it again (stressvm run --save-schedule, or minimize --seed)"
                : $"{fileName}:1:1: unknown schedule format '{Clip(first)}'; this StressVm reads v{FormatVersion}");
        }
        int firstChoiceLine = 0;
        int last = lines.Length;
        while (last > 1 && lines[last - 1].TrimEnd('\r').Length == 0) last--; // a trailing newline (or several)
        for (int i = 1; i < last; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int n = i + 1;
            if (line.Length == 0) throw new FormatException($"{fileName}:{n}:1: empty line inside the schedule");
            if (line[0] == '#')
            {
                if (firstChoiceLine > 0)
                    throw new FormatException($"{fileName}:{n}:1: header line after the first choice (line {firstChoiceLine}): '{Clip(line)}'");
                int colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (!line.StartsWith("# ", StringComparison.Ordinal) || colon <= 2)
                    throw new FormatException($"{fileName}:{n}:1: expected a header line '# key: value', found '{Clip(line)}'");
                string key = line[2..colon];
                if (!header.TryAdd(key, line[(colon + 2)..]))
                    throw new FormatException($"{fileName}:{n}:3: header key '{key}' appears twice");
                continue;
            }
            if (firstChoiceLine == 0) firstChoiceLine = n;
            string[] f = line.Split(' ');
            bool ok = f.Length == 3 && (f[0] == "A" || f[0] == "V")
                      && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out _);
            if (!ok)
                throw new FormatException($"{fileName}:{n}:1: expected 'A <actor-id> <name>' or 'V <value> <bound>', found '{Clip(line)}'");
            int value = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (f[0] == "A")
            {
                if (f[2].Length == 0) throw new FormatException($"{fileName}:{n}:{f[1].Length + 4}: expected the actor's name after its id");
                choices.Add(new Choice(ChoiceKind.Actor, value, 0, f[2]));
            }
            else
            {
                if (!int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int bound) || value >= bound)
                    throw new FormatException($"{fileName}:{n}:{f[0].Length + f[1].Length + 3}: expected a bound greater than {value}, found '{f[2]}'");
                choices.Add(new Choice(ChoiceKind.Value, value, bound, null));
            }
        }
        return new Schedule(choices, header, firstChoiceLine);
    }

    /// <summary>
    /// Checks every actor choice against the system that will replay it: the id must exist and carry the
    /// recorded name. Throws a <see cref="FormatException"/> naming the file, line, id and both names.
    /// </summary>
    public void CheckActors(ActorSystem system, string fileName)
    {
        for (int i = 0; i < Choices.Count; i++)
        {
            var c = Choices[i];
            if (c.Kind != ChoiceKind.Actor) continue;
            string where = FirstChoiceLine > 0 ? $"{fileName}:{FirstChoiceLine + i}" : $"{fileName}: choice {i + 1}";
            if (c.Value >= system.ActorCount)
                throw new FormatException($"{where}: actor {c.Value} ({c.Name}) does not exist; the scenario has actors 0..{system.ActorCount - 1}");
            string actual = system.NameOf(c.Value);
            if (actual != c.Name)
                throw new FormatException($"{where}: actor {c.Value} is {actual} in this scenario, but the schedule names it {c.Name}");
        }
    }

    private static string Clip(string s) => s.Length > 60 ? s[..57] + "..." : s;
}

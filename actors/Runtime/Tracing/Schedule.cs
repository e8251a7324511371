using System.Globalization;
using System.Text;

namespace StressVm.Runtime;

/// <summary>What a recorded choice decided: which actor stepped, or which value a model drew.</summary>
public enum ChoiceKind : byte { Actor = 0, Value = 1 }

/// <summary>One recorded nondeterministic choice. For an actor choice, <see cref="Name"/> names it for precise replay errors.</summary>
public readonly record struct Choice(ChoiceKind Kind, int Value, int Bound, string? Name);

/// <summary>
/// A recorded schedule: every choice of one run, in order, plus what produced it. The text form is one
/// choice a line ("A 3 cpu1" or "V 7 16"), after "# key: value" header lines, so a person can read and edit it.
/// </summary>
public sealed class Schedule
{
    public const string Magic = "# stressvm schedule v1";

    public Schedule(IReadOnlyList<Choice> choices, IReadOnlyDictionary<string, string> header)
    {
        Choices = choices;
        Header = header;
    }

    public IReadOnlyList<Choice> Choices { get; }
    public IReadOnlyDictionary<string, string> Header { get; }

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

    /// <summary>Parses the text form; a bad line is an error naming the file, line and column.</summary>
    public static Schedule Parse(string text, string fileName = "<schedule>")
    {
        var choices = new List<Choice>();
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd('\r') != Magic)
            throw new FormatException($"{fileName}:1:1: expected '{Magic}'");
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                int colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 2) header[line[2..colon]] = line[(colon + 2)..];
                continue;
            }
            string[] f = line.Split(' ');
            bool ok = f.Length == 3 && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v);
            if (!ok || (f[0] != "A" && f[0] != "V"))
                throw new FormatException($"{fileName}:{i + 1}:1: expected 'A <actor-id> <name>' or 'V <value> <bound>', found '{line}'");
            int value = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (f[0] == "A") choices.Add(new Choice(ChoiceKind.Actor, value, 0, f[2]));
            else
            {
                if (!int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int bound) || value >= bound)
                    throw new FormatException($"{fileName}:{i + 1}:{f[0].Length + f[1].Length + 3}: expected a bound greater than {value}, found '{f[2]}'");
                choices.Add(new Choice(ChoiceKind.Value, value, bound, null));
            }
        }
        return new Schedule(choices, header);
    }
}

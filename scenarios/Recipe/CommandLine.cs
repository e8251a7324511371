using System.Text;

namespace StressVm.Scenarios;

/// <summary>Formats a command line a POSIX shell reads back as the same arguments (single quotes where needed).</summary>
public static class CommandLine
{
    public static string Format(string program, IEnumerable<string> arguments)
    {
        var sb = new StringBuilder(program);
        foreach (var a in arguments) sb.Append(' ').Append(Quote(a));
        return sb.ToString();
    }

    /// <summary>The argument as is when it holds only characters no shell treats specially; otherwise single-quoted.</summary>
    public static string Quote(string a)
    {
        if (a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c))) return a;
        return "'" + a.Replace("'", "'\\''") + "'";
    }
}

using System.Text;
using System.Text.RegularExpressions;
using StressVm.Cli;
using Xunit;

namespace StressVm.Tests.Contract;

/// <summary>Runs `stressvm` in process through its entry point (<see cref="CliApp.Run"/>) and reads back what it printed.</summary>
internal static partial class CliHarness
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    public static Result Stressvm(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return new Result(code, o.ToString(), e.ToString());
    }

    /// <summary>Executes a command line exactly as StressVm printed it: split as a POSIX shell would, "stressvm" dropped.</summary>
    public static Result Printed(string commandLine)
    {
        var words = Words(commandLine);
        Assert.True(words.Count > 1 && words[0] == "stressvm", $"not a stressvm command: {commandLine}");
        return Stressvm(words.Skip(1).ToArray());
    }

    /// <summary>Splits like sh: blanks separate words; single quotes keep everything; double quotes and backslashes as sh does.</summary>
    public static List<string> Words(string line)
    {
        var words = new List<string>();
        var w = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c is ' ' or '\t')
            {
                if (inWord) { words.Add(w.ToString()); w.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                int end = line.IndexOf('\'', i + 1);
                Assert.True(end > 0, $"unterminated quote in {line}");
                w.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; i < line.Length && line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && "\"\\$`".Contains(line[i + 1])) i++;
                    w.Append(line[i]);
                }
            }
            else if (c == '\\' && i + 1 < line.Length) w.Append(line[++i]);
            else w.Append(c);
        }
        if (inWord) words.Add(w.ToString());
        return words;
    }

    /// <summary>What a replay printed (its column output): outcome, finding, steps, fingerprint.</summary>
    public sealed record Verdict(string Outcome, string? Finding, int Steps, string Fingerprint);

    public static Verdict ReplayVerdict(Result r)
    {
        var outcome = OutcomeLine().Match(r.Out);
        var steps = StepsLine().Match(r.Out);
        var fp = FingerprintLine().Match(r.Out);
        Assert.True(outcome.Success && steps.Success && fp.Success, $"no verdict in the replay output:\n{r}");
        return new Verdict(outcome.Groups[1].Value, outcome.Groups[3].Success ? outcome.Groups[3].Value : null,
            int.Parse(steps.Groups[1].Value), fp.Groups[1].Value);
    }

    [GeneratedRegex(@"^outcome\s+(\w+)(: (\S+))?\s*$", RegexOptions.Multiline)]
    private static partial Regex OutcomeLine();

    [GeneratedRegex(@"^steps\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex StepsLine();

    [GeneratedRegex(@"^fingerprint\s+([0-9a-f]{16})\s*$", RegexOptions.Multiline)]
    private static partial Regex FingerprintLine();

    public static string NewDirectory(string what)
    {
        string d = Path.Combine(Path.GetTempPath(), $"stressvm-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }
}

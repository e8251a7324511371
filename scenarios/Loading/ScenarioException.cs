namespace StressVm.Scenarios;

/// <summary>A bad scenario file: the message reads <c>FILE:LINE:COLUMN: what is wrong</c>.</summary>
public sealed class ScenarioException(string message, string file, int line, int column)
    : Exception($"{file}:{line}:{column}: {message}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = message;
}

namespace StressVm.Config;

/// <summary>
/// A configuration problem a person can act on. Syntax errors read
/// <c>FILE:LINE:COLUMN: found X, expected Y</c>; validation errors name the path and,
/// when known, where the value was set.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message, string? file = null, int line = 0, int column = 0, Exception? inner = null)
        : base(message, inner)
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>File (or source description) the problem is in, when known.</summary>
    public string? File { get; }

    /// <summary>1-based line, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; }

    public ConfigOrigin Origin => new(File, Line, Column);

    /// <summary>A syntax error: <c>FILE:LINE:COLUMN: found X, expected Y</c>.</summary>
    public static ConfigException Syntax(ConfigOrigin at, string found, string expected) =>
        new($"{at}: found {found}, expected {expected}", at.File, at.Line, at.Column);

    /// <summary>A problem at a position that is not phrased as found/expected (cycles, missing includes).</summary>
    public static ConfigException At(ConfigOrigin at, string message) =>
        new($"{at}: {message}", at.File, at.Line, at.Column);

    /// <summary>A validation error: <c>path P: expected Y, got "V" (set at FILE:LINE:COLUMN)</c>.</summary>
    public static ConfigException BadValue(string path, string expected, string? got, ConfigOrigin origin)
    {
        var message = $"path {path}: expected {expected}" + (got is null ? "" : $", got {got}");
        if (origin.IsKnown) message += $" (set at {origin})";
        return new ConfigException(message, origin.File, origin.Line, origin.Column);
    }
}

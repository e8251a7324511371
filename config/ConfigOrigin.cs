namespace StressVm.Config;

/// <summary>Where a value or token was written: file (or a description such as "-D"), 1-based line and column.</summary>
public readonly record struct ConfigOrigin(string? File, int Line, int Column)
{
    public static readonly ConfigOrigin Unknown = new(null, 0, 0);

    public bool IsKnown => File is not null || Line > 0;

    /// <summary>"FILE:LINE:COLUMN", omitting the parts that are unknown.</summary>
    public override string ToString()
    {
        var file = File ?? "<unknown>";
        return Line > 0 ? $"{file}:{Line}:{Column}" : file;
    }
}

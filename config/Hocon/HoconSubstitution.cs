namespace StressVm.Config.Hocon;

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>, unresolved. When the substitution comes from an included file, its path
/// is "fixed up" with the include's location: <see cref="PrefixLength"/> leading elements were added, and
/// the lookup falls back to the path as written if the fixed-up path does not exist.
/// </summary>
public sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(IReadOnlyList<string> path, bool optional, ConfigOrigin origin, int prefixLength = 0) : base(origin)
    {
        Path = path;
        Optional = optional;
        PrefixLength = prefixLength;
    }

    /// <summary>The absolute path (with any include prefix).</summary>
    public IReadOnlyList<string> Path { get; }

    public bool Optional { get; }

    public int PrefixLength { get; }

    /// <summary>The path as written in its file.</summary>
    public IReadOnlyList<string> WrittenPath => PrefixLength == 0 ? Path : Path.Skip(PrefixLength).ToArray();

    public override string TypeName => "substitution";
    public override bool IsResolved => false;

    public override string ToString() => $"${{{(Optional ? "?" : "")}{HoconPath.Render(WrittenPath)}}}";

    internal HoconSubstitution WithPrefix(IReadOnlyList<string> prefix) =>
        new(prefix.Concat(Path).ToArray(), Optional, Origin, PrefixLength + prefix.Count);
}

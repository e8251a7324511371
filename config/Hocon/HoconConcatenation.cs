namespace StressVm.Config.Hocon;

/// <summary>
/// A value concatenation that holds at least one substitution, so it can only be joined once substitutions
/// are resolved: into a string, an array (arrays joined) or an object (objects merged).
/// Whitespace between pieces is kept as <see cref="HoconString.IsWhitespace"/> pieces.
/// </summary>
public sealed class HoconConcatenation : HoconValue
{
    public HoconConcatenation(IReadOnlyList<HoconValue> pieces, ConfigOrigin origin) : base(origin) => Pieces = pieces;

    public IReadOnlyList<HoconValue> Pieces { get; }

    public override string TypeName => "concatenation";
    public override bool IsResolved => false;
}

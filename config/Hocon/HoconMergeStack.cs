namespace StressVm.Config.Hocon;

/// <summary>
/// Values assigned to one path that cannot be merged before substitutions are resolved (at least one is a
/// substitution or a concatenation holding one). Oldest first; the resolver merges them from the top down,
/// and a self-referential substitution in element i sees only elements 0..i-1.
/// </summary>
public sealed class HoconMergeStack : HoconValue
{
    public HoconMergeStack(IReadOnlyList<HoconValue> elements) : base(elements[^1].Origin) => Elements = elements;

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<HoconValue> Elements { get; }

    public override string TypeName => "merge";
    public override bool IsResolved => false;
}

namespace StressVm.Kernel;

/// <summary>
/// A page-table entry. <see cref="Id"/> is a model-only generation number (every software write of a PTE
/// gets a new one; hardware A/D updates keep it) so oracles can tell which PTE a TLB entry was filled from.
/// </summary>
public struct Pte
{
    public int Pfn;
    public bool Present, Write, Dirty, Young, Special;
    public int Id;

    public static readonly Pte None = default;

    public readonly bool IsNone => !Present;

    /// <summary>pte_same(): the raw value compares equal (the generation is not part of the value).</summary>
    public static bool Same(in Pte a, in Pte b) =>
        a.Present == b.Present && a.Pfn == b.Pfn && a.Write == b.Write && a.Dirty == b.Dirty && a.Young == b.Young && a.Special == b.Special;

    public override readonly string ToString() =>
        !Present ? "none" : $"pfn {Pfn}{(Write ? " W" : " RO")}{(Dirty ? " D" : "")}{(Young ? " Y" : "")}{(Special ? " S" : "")}";
}

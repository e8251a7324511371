namespace StressVm.Config.Hocon;

/// <summary>An array.</summary>
public sealed class HoconArray : HoconValue
{
    public HoconArray(IReadOnlyList<HoconValue> items, ConfigOrigin origin) : base(origin) => Items = items;

    public IReadOnlyList<HoconValue> Items { get; }

    public override string TypeName => "array";

    public override bool IsResolved => _resolved ??= Items.All(v => v.IsResolved);

    private bool? _resolved;
}

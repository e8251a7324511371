namespace StressVm.Config.Hocon;

/// <summary>An object: fields in document order (the order keys were first seen).</summary>
public sealed class HoconObject : HoconValue
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, HoconValue> _fields = new(StringComparer.Ordinal);

    public HoconObject(ConfigOrigin origin) : base(origin) { }

    /// <summary>Keys in document order.</summary>
    public IReadOnlyList<string> Keys => _order;

    public int Count => _order.Count;

    public HoconValue this[string key] => _fields[key];

    public bool TryGetValue(string key, out HoconValue value) => _fields.TryGetValue(key, out value!);

    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    public IEnumerable<KeyValuePair<string, HoconValue>> Fields => _order.Select(k => new KeyValuePair<string, HoconValue>(k, _fields[k]));

    public override string TypeName => "object";

    public override bool IsResolved => _resolved ??= _fields.Values.All(v => v.IsResolved);

    private bool? _resolved;

    /// <summary>Sets a field, keeping the key's first position. Only used while a tree is being built.</summary>
    internal void Set(string key, HoconValue value)
    {
        _resolved = null;
        if (!_fields.ContainsKey(key)) _order.Add(key);
        _fields[key] = value;
    }
}

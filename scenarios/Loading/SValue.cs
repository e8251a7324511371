namespace StressVm.Scenarios;

/// <summary>
/// A parsed scenario value with where it was written. A small tree of its own so the loader does not
/// depend on the configuration library's internals: an adapter from HoconValue fills it the same way.
/// </summary>
public abstract class SValue(string file, int line, int column)
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public abstract string TypeName { get; }

    public ScenarioException Error(string message) => new(message, File, Line, Column);
}

public sealed class SObject(string file, int line, int column) : SValue(file, line, column)
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, SValue> _fields = new(StringComparer.Ordinal);

    public override string TypeName => "object";
    public IReadOnlyList<string> Keys => _order;
    public SValue? this[string key] => _fields.TryGetValue(key, out var v) ? v : null;

    /// <summary>Sets a field; an object set over an object merges, as in HOCON.</summary>
    public void Set(string key, SValue value)
    {
        if (_fields.TryGetValue(key, out var old) && old is SObject o && value is SObject n)
        {
            foreach (var k in n.Keys) o.Set(k, n[k]!);
            return;
        }
        if (!_fields.ContainsKey(key)) _order.Add(key);
        _fields[key] = value;
    }
}

public sealed class SArray(string file, int line, int column) : SValue(file, line, column)
{
    public List<SValue> Items { get; } = new();
    public override string TypeName => "array";
}

public sealed class SScalar(string text, bool quoted, string file, int line, int column) : SValue(file, line, column)
{
    public string Text { get; } = text;
    public bool Quoted { get; } = quoted;
    public override string TypeName => Quoted ? "string" : Text is "true" or "false" ? "boolean" : "value";
    public override string ToString() => Text;
}

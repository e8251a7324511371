using System.Runtime.CompilerServices;
using System.Text;

namespace StressVm.Config.Hocon;

/// <summary>
/// Resolves substitutions once all merging is done, lazily and path by path, so that an object may refer
/// to fields inside itself (<c>bar { foo = 42, baz = ${bar.foo} }</c>).
/// <para>
/// The unit of work is a <em>slot</em>: the values assigned to one path, oldest first. A slot is resolved
/// from the top down: a scalar or array hides everything below it, objects merge, and a substitution or
/// concatenation is resolved first. A substitution whose path starts with the slot's own path is
/// self-referential: it sees only the values below it (<c>path = ${path}":/bin"</c>, <c>a += x</c>).
/// When a lookup would need a value that is being resolved right now, and earlier values were assigned to the same
/// path, it looks backward at those instead (<c>a = ${a} { c = ${a.b} }</c>); otherwise the cycle is an error.
/// An optional substitution that finds nothing leaves no value: the field is not created (an earlier value
/// stays), an array element is dropped. Lookups that find nothing fall back to the environment.
/// </para>
/// </summary>
public sealed class Resolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?>? _environment;
    private readonly Dictionary<SlotKey, HoconValue?> _slots = new();
    private readonly HashSet<SlotKey> _slotsInProgress = new();
    private readonly Dictionary<HoconValue, HoconValue?> _elements = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> _elementsInProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconSubstitution> _trail = new();
    private int _lookedBackward; // counts lookups that skipped a value being resolved; such results are not memoised

    /// <summary>Substitutions nested deeper than this are refused rather than risking the stack.</summary>
    internal const int MaxChain = 200;

    private Resolver(HoconObject root, Func<string, string?>? environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>
    /// Resolves every substitution in <paramref name="root"/>. Paths not found in the tree are looked up with
    /// <paramref name="environment"/> (null: no environment fallback); an empty variable counts as unset.
    /// </summary>
    /// <exception cref="ConfigException">A missing required substitution, a cycle, or values that cannot be concatenated.</exception>
    public static HoconObject Resolve(HoconObject root, Func<string, string?>? environment = null)
    {
        if (root.IsResolved) return root;
        var r = new Resolver(root, environment);
        return (HoconObject)r.ResolveSlot(Array.Empty<string>(), new HoconValue[] { root })!;
    }

    private HoconValue? ResolveSlot(IReadOnlyList<string> path, IReadOnlyList<HoconValue> slot)
    {
        if (slot.Count == 1 && slot[0].IsResolved) return slot[0];
        var key = new SlotKey(slot);
        if (_slots.TryGetValue(key, out var done)) return done;
        if (!_slotsInProgress.Add(key)) throw Cycle(slot[^1]);
        var lookedBackward = _lookedBackward;
        try
        {
            var objects = new List<HoconObject>(); // top down
            HoconValue? result = null;
            var decided = false;
            for (var i = slot.Count - 1; i >= 0 && !decided; i--)
            {
                var e = slot[i];
                var r = e is HoconObject || Merger.Hides(e) ? e : ResolveElement(e, path, slot, i);
                if (r is null) continue;
                if (r is HoconObject o) { objects.Add(o); continue; }
                if (objects.Count == 0) result = ResolveHiding(r, path);
                decided = true; // a non-object hides everything below it
            }
            if (objects.Count > 0) result = BuildObject(path, objects);
            if (_lookedBackward == lookedBackward) _slots[key] = result;
            return result;
        }
        finally
        {
            _slotsInProgress.Remove(key);
        }
    }

    private HoconObject BuildObject(IReadOnlyList<string> path, List<HoconObject> topDown)
    {
        var oldestFirst = Enumerable.Reverse(topDown).ToArray();
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in oldestFirst)
            foreach (var k in o.Keys)
                if (seen.Add(k)) keys.Add(k);

        var result = new HoconObject(topDown[0].Origin);
        foreach (var k in keys)
        {
            var fieldPath = Append(path, k);
            var value = ResolveSlot(fieldPath, FieldSlot(path, oldestFirst, k));
            if (value is not null) result.Set(k, value);
        }
        return result;
    }

    /// <summary>The values assigned to <c>path.key</c> by the values of the slot at <c>path</c>, oldest first.</summary>
    private List<HoconValue> FieldSlot(IReadOnlyList<string> path, IReadOnlyList<HoconValue> slot, string key)
    {
        var topDown = new List<HoconValue>();
        for (var i = slot.Count - 1; i >= 0; i--)
        {
            var e = slot[i];
            HoconObject o;
            if (e is HoconObject eo) o = eo;
            else if (Merger.Hides(e)) break;
            else if (i > 0 && _elementsInProgress.Contains(e) && !_elements.ContainsKey(e))
            {
                // Looking into a value that is being resolved right now (a = ${a} { c = ${a.b} }): break the
                // cycle by looking backward, at the values assigned before it.
                _lookedBackward++;
                continue;
            }
            else
            {
                var r = ResolveElement(e, path, slot, i);
                if (r is null) continue;
                if (r is not HoconObject ro) break;
                o = ro;
            }
            if (!o.TryGetValue(key, out var field)) continue;
            var hidden = false;
            foreach (var fe in Merger.Flatten(field).Reverse())
            {
                topDown.Add(fe);
                if (Merger.Hides(fe)) { hidden = true; break; }
            }
            if (hidden) break;
        }
        topDown.Reverse();
        return topDown;
    }

    /// <summary>Resolves a substitution or concatenation at position <paramref name="index"/> of a slot.</summary>
    private HoconValue? ResolveElement(HoconValue e, IReadOnlyList<string> path, IReadOnlyList<HoconValue> slot, int index)
    {
        if (_elements.TryGetValue(e, out var done)) return done;
        if (!_elementsInProgress.Add(e)) throw Cycle(e);
        var lookedBackward = _lookedBackward;
        try
        {
            var below = new SelfReference(path, slot.Take(index).ToArray());
            var result = e switch
            {
                HoconSubstitution s => ResolveSubstitution(s, below),
                HoconConcatenation c => ResolveConcatenation(c, path, below),
                _ => ResolveSlot(path, new[] { e }),
            };
            if (_lookedBackward == lookedBackward) _elements[e] = result; // a partial view is not the final value
            return result;
        }
        finally
        {
            _elementsInProgress.Remove(e);
        }
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution s, SelfReference? self)
    {
        HoconValue? found;
        if (_trail.Count >= MaxChain)
            throw ConfigException.Syntax(s.Origin, $"a chain of more than {MaxChain} substitutions", "a shorter chain of substitutions");
        _trail.Add(s);
        try
        {
            if (self is not null && self.Path.Count > 0 && StartsWith(s.Path, self.Path))
                found = Descend(self.Path, self.Below, s.Path.Skip(self.Path.Count)); // the value before this assignment
            else
            {
                found = Lookup(s.Path);
                if (found is null && s.PrefixLength > 0) found = Lookup(s.WrittenPath);
            }
        }
        finally
        {
            _trail.RemoveAt(_trail.Count - 1);
        }
        if (found is not null) return found;

        var name = string.Join('.', s.WrittenPath);
        if (_environment is not null)
        {
            var env = _environment(name);
            if (!string.IsNullOrEmpty(env)) return new HoconString(env, new ConfigOrigin($"environment variable {name}", 0, 0));
        }
        if (s.Optional) return null;
        throw ConfigException.Syntax(s.Origin, $"no value for the substitution {s}",
            "a value at that path" + (_environment is not null ? $" or an environment variable {name}" : "") +
            " (write ${?...} if it is optional)");
    }

    private HoconValue? Lookup(IReadOnlyList<string> path) => Descend(Array.Empty<string>(), new HoconValue[] { _root }, path);

    private HoconValue? Descend(IReadOnlyList<string> path, IReadOnlyList<HoconValue> slot, IEnumerable<string> rest)
    {
        foreach (var k in rest)
        {
            slot = FieldSlot(path, slot, k);
            path = Append(path, k);
            if (slot.Count == 0) return null;
        }
        return slot.Count == 0 ? null : ResolveSlot(path, slot);
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation c, IReadOnlyList<string> path, SelfReference self)
    {
        var parts = new List<(HoconValue Value, bool FromSubstitution)>();
        foreach (var piece in c.Pieces)
        {
            switch (piece)
            {
                case HoconString { IsWhitespace: true }:
                    parts.Add((piece, false));
                    break;
                case HoconSubstitution s:
                    var r = ResolveSubstitution(s, self);
                    if (r is not null) parts.Add((r, true));
                    break;
                case HoconObject:
                    parts.Add((ResolveSlot(path, new[] { piece })!, false));
                    break;
                default:
                    parts.Add((ResolveHiding(piece, path), false));
                    break;
            }
        }
        var solid = parts.Where(p => p.Value is not HoconString { IsWhitespace: true }).ToList();
        if (solid.Count == 0) return null;
        if (solid.Count == 1) return solid[0].Value;

        var first = solid[0].Value;
        foreach (var (v, _) in solid)
        {
            var sameKind = first is HoconObject ? v is HoconObject : first is HoconArray ? v is HoconArray : v is not (HoconObject or HoconArray);
            if (!sameKind)
                throw ConfigException.Syntax(v.Origin, $"{v.TypeName} value after {first.TypeName} value in the concatenation at {c.Origin}",
                    "values of one kind to concatenate: strings, arrays or objects");
        }
        if (first is HoconObject)
        {
            HoconValue merged = first;
            foreach (var (v, _) in solid.Skip(1)) merged = Merger.Merge(merged, v);
            return merged;
        }
        if (first is HoconArray)
            return new HoconArray(solid.SelectMany(p => ((HoconArray)p.Value).Items).ToArray(), c.Origin);

        var sb = new StringBuilder();
        foreach (var (v, fromSubstitution) in parts)
            sb.Append(fromSubstitution && v is HoconNull ? "" : Parser.SimpleText(v)); // a substituted null joins as ""
        return new HoconString(sb.ToString(), c.Origin);
    }

    /// <summary>A scalar as is; an array with each element resolved (undefined optional elements dropped).</summary>
    private HoconValue ResolveHiding(HoconValue v, IReadOnlyList<string> path)
    {
        if (v.IsResolved || v is not HoconArray a) return v;
        var items = new List<HoconValue>(a.Items.Count);
        for (var i = 0; i < a.Items.Count; i++)
        {
            var r = ResolveSlot(Append(path, $"[{i}]"), Merger.Flatten(a.Items[i]).ToArray());
            if (r is not null) items.Add(r);
        }
        return new HoconArray(items, a.Origin);
    }

    private ConfigException Cycle(HoconValue at)
    {
        var subs = _trail.Select(s => s.ToString()).ToList();
        var where = _trail.Count > 0 ? _trail[^1].Origin : at.Origin;
        var chain = subs.Count > 0 ? string.Join(" -> ", subs) : at.TypeName;
        return ConfigException.Syntax(where, $"a cycle of substitutions ({chain})",
            "substitutions that end in a value (a field cannot be defined by itself without an earlier value)");
    }

    private static bool StartsWith(IReadOnlyList<string> path, IReadOnlyList<string> prefix)
    {
        if (path.Count < prefix.Count) return false;
        for (var i = 0; i < prefix.Count; i++)
            if (!string.Equals(path[i], prefix[i], StringComparison.Ordinal)) return false;
        return true;
    }

    private static IReadOnlyList<string> Append(IReadOnlyList<string> path, string key)
    {
        var a = new string[path.Count + 1];
        for (var i = 0; i < path.Count; i++) a[i] = path[i];
        a[^1] = key;
        return a;
    }

    private sealed record SelfReference(IReadOnlyList<string> Path, IReadOnlyList<HoconValue> Below);

    /// <summary>A slot's identity: the sequence of its values, compared by reference.</summary>
    private readonly struct SlotKey : IEquatable<SlotKey>
    {
        private readonly IReadOnlyList<HoconValue> _values;
        private readonly int _hash;

        public SlotKey(IReadOnlyList<HoconValue> values)
        {
            _values = values;
            var h = new HashCode();
            foreach (var v in values) h.Add(RuntimeHelpers.GetHashCode(v));
            _hash = h.ToHashCode();
        }

        public bool Equals(SlotKey other)
        {
            if (_values.Count != other._values.Count) return false;
            for (var i = 0; i < _values.Count; i++)
                if (!ReferenceEquals(_values[i], other._values[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is SlotKey k && Equals(k);
        public override int GetHashCode() => _hash;
    }
}

namespace StressVm.Config.Hocon;

/// <summary>
/// The duplicate-key rule, used alike for repeated keys in a file, includes and layered files:
/// a later non-object replaces, two objects merge recursively, and anything that depends on a
/// substitution is kept as a <see cref="HoconMergeStack"/> to merge once resolved.
/// </summary>
public static class Merger
{
    /// <summary>Merges <paramref name="newer"/> over <paramref name="older"/>.</summary>
    public static HoconValue Merge(HoconValue? older, HoconValue newer)
    {
        if (older is null) return newer;
        if (Hides(newer)) return newer;
        if (newer is HoconObject n)
        {
            if (older is HoconObject o) return MergeObjects(o, n);
            if (Hides(older)) return newer;
        }
        return new HoconMergeStack(Flatten(older).Concat(Flatten(newer)).ToArray());
    }

    /// <summary>Merges every field of <paramref name="newer"/> into a copy of <paramref name="older"/>.</summary>
    public static HoconObject MergeObjects(HoconObject older, HoconObject newer)
    {
        var merged = new HoconObject(older.Origin);
        foreach (var (k, v) in older.Fields) merged.Set(k, v);
        foreach (var (k, v) in newer.Fields)
            merged.Set(k, older.TryGetValue(k, out var prev) ? Merge(prev, v) : v);
        return merged;
    }

    /// <summary>A value that replaces whatever was below it: a scalar or an array literal.</summary>
    internal static bool Hides(HoconValue v) =>
        v is HoconString or HoconNumber or HoconBoolean or HoconNull or HoconArray;

    internal static IEnumerable<HoconValue> Flatten(HoconValue v) =>
        v is HoconMergeStack s ? s.Elements : new[] { v };
}

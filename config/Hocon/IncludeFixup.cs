namespace StressVm.Config.Hocon;

/// <summary>
/// An included file's substitutions are relative to the including object's location: <c>${x}</c> in a file
/// included under <c>a</c> becomes <c>${a.x}</c> (falling back to <c>${x}</c> when <c>a.x</c> does not exist).
/// </summary>
internal static class IncludeFixup
{
    public static HoconValue Relativize(HoconValue v, IReadOnlyList<string> prefix)
    {
        if (prefix.Count == 0 || v.IsResolved) return v;
        switch (v)
        {
            case HoconSubstitution s:
                return s.WithPrefix(prefix);
            case HoconObject o:
                var copy = new HoconObject(o.Origin);
                foreach (var (k, child) in o.Fields) copy.Set(k, Relativize(child, prefix));
                return copy;
            case HoconArray a:
                return new HoconArray(a.Items.Select(i => Relativize(i, prefix)).ToArray(), a.Origin);
            case HoconConcatenation c:
                return new HoconConcatenation(c.Pieces.Select(p => Relativize(p, prefix)).ToArray(), c.Origin);
            case HoconMergeStack m:
                return new HoconMergeStack(m.Elements.Select(e => Relativize(e, prefix)).ToArray());
            default:
                return v;
        }
    }
}

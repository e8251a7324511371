namespace StressVm.Config;

/// <summary>
/// "Did you mean ...?": the known names nearest to a misspelt one by edit distance (Levenshtein, one
/// insertion, deletion or substitution each). Used for unknown configuration keys, knobs and scenario keys.
/// </summary>
public static class NearestKeys
{
    /// <summary>
    /// Up to <paramref name="max"/> names of <paramref name="known"/> at the smallest distance from
    /// <paramref name="name"/>, in the order given, if that distance is small enough to be a typo
    /// (<paramref name="limit"/>; by default a third of the name's length, at least 2); none otherwise.
    /// </summary>
    public static IReadOnlyList<string> Of(string name, IEnumerable<string> known, int max = 3, int? limit = null)
    {
        var within = limit ?? Math.Max(2, name.Length / 3);
        var best = int.MaxValue;
        var found = new List<string>();
        foreach (var k in known)
        {
            var d = Distance(name, k);
            if (d > within || d > best) continue;
            if (d < best) { best = d; found.Clear(); }
            if (found.Count < max && !found.Contains(k)) found.Add(k);
        }
        return found;
    }

    /// <summary>"did you mean A?" / "did you mean A or B?", or null when nothing is near.</summary>
    public static string? DidYouMean(string name, IEnumerable<string> known, int? limit = null)
    {
        var near = Of(name, known, limit: limit);
        return near.Count switch
        {
            0 => null,
            1 => $"did you mean {near[0]}?",
            _ => $"did you mean {string.Join(", ", near.Take(near.Count - 1))} or {near[^1]}?",
        };
    }

    /// <summary>The Levenshtein distance between two strings.</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length == 0) return b.Length;
        if (b.Length == 0) return a.Length;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

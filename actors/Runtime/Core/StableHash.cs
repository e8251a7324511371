namespace StressVm.Runtime;

/// <summary>
/// Process-independent hashes (string.GetHashCode is randomized per process, so it can never feed a
/// fingerprint) and the xxhash64-style mixing round the fingerprint uses.
/// </summary>
public static class StableHash
{
    private const ulong P1 = 11400714785074694791UL;
    private const ulong P2 = 14029467366897019727UL;
    private const ulong P4 = 9650029242287828579UL;

    public static ulong Of(string s)
    {
        ulong h = 14695981039346656037UL; // FNV-1a over UTF-16 units, then a final avalanche
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return Avalanche(h);
    }

    /// <summary>One xxhash64 accumulate round: mixes <paramref name="v"/> into <paramref name="h"/>.</summary>
    public static ulong Mix(ulong h, ulong v)
    {
        ulong k = v * P2;
        k = ulong.RotateLeft(k, 31) * P1;
        h ^= k;
        return ulong.RotateLeft(h, 27) * P1 + P4;
    }

    public static ulong Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= 0x165667B19E3779F9UL;
        h ^= h >> 32;
        return h;
    }
}

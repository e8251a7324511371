namespace StressVm.Runtime;

/// <summary>
/// xoshiro256** (Blackman and Vigna) seeded through splitmix64. The only source of randomness in a
/// simulation. <see cref="Split"/> derives an independent sub-stream per purpose so that adding a
/// draw for one purpose does not shift the draws of another.
/// </summary>
public sealed class Prng
{
    private ulong _s0, _s1, _s2, _s3;

    public Prng(ulong seed) => Reseed(seed);

    /// <summary>Re-seeds in place (no allocation), so a system can be reset between schedules.</summary>
    public void Reseed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Seed for a sub-stream named <paramref name="purpose"/> of <paramref name="seed"/>.</summary>
    public static ulong SubSeed(ulong seed, string purpose)
    {
        ulong h = StableHash.Of(purpose);
        ulong x = seed ^ (h * 0x9E3779B97F4A7C15UL);
        return SplitMix64(ref x);
    }

    /// <summary>A new generator for one purpose, independent of the other purposes of the same seed.</summary>
    public static Prng Split(ulong seed, string purpose) => new(SubSeed(seed, purpose));

    public static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, bound) by Lemire's multiply-shift (bias below 2^-32 for small bounds).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        return (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);
    }

    /// <summary>True with probability numerator/denominator (integer ratio, as TigerBeetle's PRNG does).</summary>
    public bool Chance(int numerator, int denominator) => NextInt(denominator) < numerator;
}

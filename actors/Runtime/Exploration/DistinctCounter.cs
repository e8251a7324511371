using System.Globalization;
using System.Numerics;

namespace StressVm.Runtime;

/// <summary>
/// Counts distinct fingerprints in bounded memory: exactly (a set) up to <see cref="ExactBound"/> distinct values,
/// then with a HyperLogLog sketch of fixed size (Flajolet et al. 2007; 2^14 one-byte registers, 16 KiB, one
/// standard error 1.04/sqrt(2^14) = 0.81%). A run of 20 million seeds would otherwise keep 20 million
/// fingerprints (a set of 1 million already took most of run's 116 MB). The count is order-independent, so
/// it is the same whatever order the seeds ran in.
/// </summary>
public sealed class DistinctCounter
{
    /// <summary>Distinct values counted exactly; one more switches to the sketch (about 40 MB of set at most).</summary>
    public const int DefaultExactBound = 1 << 20;

    private const int Precision = 14;
    private const int Registers = 1 << Precision;

    private HashSet<ulong>? _exact = new();
    private byte[]? _registers;

    public DistinctCounter(int exactBound = DefaultExactBound)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exactBound);
        ExactBound = exactBound;
    }

    public int ExactBound { get; }

    /// <summary>False once the count is an estimate.</summary>
    public bool IsExact => _exact is not null;

    /// <summary>One standard error of the estimate, as a share (0.0081); 0 while exact.</summary>
    public double RelativeError => IsExact ? 0 : 1.04 / Math.Sqrt(Registers);

    public void Add(ulong value)
    {
        if (_exact is not null)
        {
            if (!_exact.Add(value) || _exact.Count <= ExactBound) return;
            _registers = new byte[Registers];
            foreach (var v in _exact) Sketch(v);
            _exact = null;
            return;
        }
        Sketch(value);
    }

    /// <summary>The exact count, or the HyperLogLog estimate rounded to an integer.</summary>
    public long Count => _exact?.Count ?? Estimate();

    /// <summary>"1,234" or "~1.23M (estimated, HyperLogLog, +-0.8%)".</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        if (IsExact) return Count.ToString("N0", c);
        double n = Count;
        string approx = n >= 1e9 ? (n / 1e9).ToString("0.00", c) + "G" : n >= 1e6 ? (n / 1e6).ToString("0.00", c) + "M" : (n / 1e3).ToString("0.00", c) + "k";
        return string.Create(c, $"~{approx} (estimated, HyperLogLog, +-{RelativeError * 100:0.0}%)");
    }

    /// <summary>"exact" or "hyperloglog", for --json.</summary>
    public string Method => IsExact ? "exact" : "hyperloglog";

    /// <summary>Saves the counter (its set while exact, else its registers), for a soak's resume.</summary>
    public void WriteTo(BinaryWriter w)
    {
        w.Write(ExactBound);
        if (_exact is not null)
        {
            w.Write((byte)0);
            w.Write(_exact.Count);
            foreach (var v in _exact) w.Write(v);
        }
        else
        {
            w.Write((byte)1);
            w.Write(_registers!);
        }
    }

    /// <summary>A counter as <see cref="WriteTo"/> saved it.</summary>
    public static DistinctCounter ReadFrom(BinaryReader r)
    {
        var c = new DistinctCounter(r.ReadInt32());
        if (r.ReadByte() == 0)
        {
            int n = r.ReadInt32();
            for (int i = 0; i < n; i++) c._exact!.Add(r.ReadUInt64());
        }
        else
        {
            c._exact = null;
            c._registers = r.ReadBytes(Registers);
            if (c._registers.Length != Registers) throw new EndOfStreamException("truncated distinct counter");
        }
        return c;
    }

    private void Sketch(ulong value)
    {
        // Fingerprints are mixed already; one more finalizer (splitmix64's) keeps the sketch sound for any input.
        ulong h = value;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        int index = (int)(h >> (64 - Precision));
        ulong rest = (h << Precision) | (1UL << (Precision - 1)); // a guard bit bounds the rank
        byte rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > _registers![index]) _registers[index] = rank;
    }

    private long Estimate()
    {
        var r = _registers!;
        double sum = 0;
        int zeros = 0;
        foreach (var b in r)
        {
            sum += Math.ScaleB(1.0, -b);
            if (b == 0) zeros++;
        }
        const double m = Registers;
        double alpha = 0.7213 / (1 + 1.079 / m);
        double e = alpha * m * m / sum;
        if (e <= 2.5 * m && zeros > 0) e = m * Math.Log(m / zeros); // small range: linear counting
        return (long)Math.Round(e);
    }
}

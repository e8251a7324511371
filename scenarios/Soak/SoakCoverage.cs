using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// A campaign's coverage, merged at the coordinator from every worker's chunks: the distinct interleaving classes
/// (64-bit hashes of each run's partial order, <see cref="CoverageTracker.LastClass"/>) in a <see cref="DistinctCounter"/>
/// (exact, then HyperLogLog: bounded memory however long the soak), and the conflicting pairs (few: step labels)
/// in a set. Saved beside the journal (<see cref="FileName"/>) so a resume goes on counting; merging is idempotent,
/// so a chunk re-run after a kill adds nothing twice.
/// </summary>
public sealed class SoakCoverage
{
    public const string FileName = "coverage.bin";
    private const int Version = 1;

    private DistinctCounter _classes = new();
    private readonly HashSet<(ulong, ulong)> _pairs = new();
    private int _bothOrders;

    public long Classes => _classes.Count;
    public bool Estimated => !_classes.IsExact;
    public int PairsSeen => _pairs.Count - _bothOrders;
    public int PairsBothOrders => _bothOrders;

    public void Merge(IEnumerable<ulong> classes, IEnumerable<(ulong First, ulong Second)> pairs)
    {
        foreach (var c in classes) _classes.Add(c);
        foreach (var (a, b) in pairs)
            if (_pairs.Add((a, b)) && _pairs.Contains((b, a))) _bothOrders++;
    }

    public CoverageSeen Snapshot(long schedules) => new(schedules, Classes, Estimated, PairsSeen, PairsBothOrders);

    /// <summary>"classes 1,234 over 10,000 schedules; conflicting pairs 40 of 52 seen in both orders", as `run` says it.</summary>
    public static string Describe(CoverageSeen c) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"classes {(c.Estimated ? "~" : "")}{c.Classes:N0} over {c.Schedules:N0} schedules; conflicting pairs {c.PairsBothOrders} of {c.PairsSeen} seen in both orders");

    /// <summary>Writes the counter and the pairs atomically (a temp file renamed over the old one).</summary>
    public void Save(string directory)
    {
        string path = Path.Combine(directory, FileName), tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        using (var w = new BinaryWriter(fs))
        {
            w.Write(Version);
            _classes.WriteTo(w);
            w.Write(_pairs.Count);
            foreach (var (a, b) in _pairs) { w.Write(a); w.Write(b); }
            w.Flush();
            fs.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The coverage saved in <paramref name="directory"/>; empty when there is none or it cannot be read (with a warning).</summary>
    public static SoakCoverage Load(string directory, Action<string> warn)
    {
        var c = new SoakCoverage();
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return c;
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadInt32() != Version) throw new InvalidDataException("unknown version");
            c._classes = DistinctCounter.ReadFrom(r);
            int n = r.ReadInt32();
            var pairs = new List<(ulong, ulong)>(n);
            for (int i = 0; i < n; i++) pairs.Add((r.ReadUInt64(), r.ReadUInt64()));
            c.Merge([], pairs);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException or ArgumentException)
        {
            warn($"{path}: coverage could not be read ({e.Message}); classes are counted again from this session");
            return new SoakCoverage();
        }
        return c;
    }
}

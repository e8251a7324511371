namespace StressVm.Runtime;

/// <summary>
/// Coverage of a campaign: distinct interleaving classes seen (the hash of each run's partial order, not its
/// linear order) and conflicting pairs (two dependent steps, named by actor, kind and message type) seen in both
/// orders. Attach <see cref="Log"/> as the system's observer and call <see cref="AfterRun"/> after each run; when
/// classes stop growing while schedules do, the campaign has saturated.
/// </summary>
public sealed class CoverageTracker
{
    private readonly PartialOrder _order = new();
    private readonly DistinctCounter _classes = new(); // bounded memory: exact, then HyperLogLog
    private readonly HashSet<(ulong, ulong)> _pairs = new();
    // Pairs known to be in _pairs, direct-mapped by their hash: a run's races are mostly pairs seen before, and
    // this answers those without the set's lookup (a miss only costs the lookup it saves).
    private readonly ulong[] _knownFirst = new ulong[KnownSlots], _knownSecond = new ulong[KnownSlots];
    private const int KnownSlots = 1024;
    private int _bothOrders;

    public StepLog Log { get; } = new();

    public long Schedules { get; private set; }
    public long Classes => _classes.Count;
    /// <summary>"exact", or "hyperloglog" once the classes outgrew the exact bound (then Classes is an estimate).</summary>
    public string ClassesMethod => _classes.Method;
    /// <summary>Unordered pairs of conflicting step labels seen in at least one order.</summary>
    public int PairsSeen => _pairs.Count - _bothOrders;
    /// <summary>Of those, the pairs seen in both orders.</summary>
    public int PairsBothOrders => _bothOrders;

    /// <summary>The class hash of the last run (as <see cref="DporStrategy.LastClass"/>): what a soak worker sends its coordinator to merge.</summary>
    public ulong LastClass { get; private set; }

    /// <summary>The conflicting pairs seen, each in the order its steps ran (both entries when seen both ways): merged across soak workers.</summary>
    public IReadOnlyCollection<(ulong First, ulong Second)> OrderedPairs => _pairs;

    public void AfterRun()
    {
        Schedules++;
        _order.Build(Log, 0, OnRace);
        LastClass = _order.ClassHash(Log);
        _classes.Add(LastClass);
    }

    private void OnRace(int i, int j, ReadOnlySpan<int> clockOfJ)
    {
        ulong a = Log.LabelOf(i), b = Log.LabelOf(j);
        if (a == b) return;
        int slot = (int)((a ^ (b * 0x9E3779B97F4A7C15UL)) >> 54) & (KnownSlots - 1);
        if (_knownFirst[slot] == a && _knownSecond[slot] == b) return;
        _knownFirst[slot] = a;
        _knownSecond[slot] = b;
        if (!_pairs.Add((a, b))) return;
        if (_pairs.Contains((b, a))) _bothOrders++;
    }

    /// <summary>"classes 1,234 over 10,000 schedules; conflicting pairs 40 of 52 seen in both orders".</summary>
    public override string ToString() =>
        $"classes {_classes} over {Schedules:N0} schedules; conflicting pairs {PairsBothOrders} of {PairsSeen} seen in both orders";
}

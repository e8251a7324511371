namespace StressVm.Runtime;

/// <summary>
/// Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every
/// actor gets a random priority when first seen; the highest-priority enabled actor steps; at d-1 change
/// points drawn uniformly over the expected run length k, the actor about to step drops to priority i
/// (below every initial priority). Finds a bug of depth d with probability at least 1/(n k^(d-1)).
/// </summary>
public sealed class PctStrategy : ISchedulingStrategy
{
    private readonly Prng _rng = new(0);
    private readonly Prng _values = new(0);
    private readonly int[] _changePoints;
    private long[] _priority = new long[16];
    private bool[] _seen = new bool[16];
    private int _nextChange;

    /// <param name="depth">The bug depth d: d-1 priority change points. At least 1.</param>
    /// <param name="expectedSteps">The run length k over which change points are spread.</param>
    public PctStrategy(int depth, int expectedSteps)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "PCT depth must be at least 1");
        if (expectedSteps < 1) throw new ArgumentOutOfRangeException(nameof(expectedSteps), expectedSteps, "expected steps must be positive");
        Depth = depth;
        ExpectedSteps = expectedSteps;
        _changePoints = new int[depth - 1];
    }

    public int Depth { get; }
    public int ExpectedSteps { get; }
    public string Name => $"pct:{Depth}:{ExpectedSteps}"; // StrategySpec.Pct's text form

    public void Prepare(ulong seed)
    {
        _rng.Reseed(Prng.SubSeed(seed, "schedule"));
        _values.Reseed(Prng.SubSeed(seed, "values"));
        Array.Clear(_seen);
        for (int i = 0; i < _changePoints.Length; i++) _changePoints[i] = _rng.NextInt(ExpectedSteps);
        Array.Sort(_changePoints);
        _nextChange = 0;
    }

    public int NextActor(ReadOnlySpan<int> enabled, int step)
    {
        foreach (int id in enabled)
        {
            if (id >= _seen.Length) Grow(id);
            if (!_seen[id])
            {
                _seen[id] = true;
                // Initial priorities lie above every lowered one (1..d-1); ties are broken by id below.
                _priority[id] = Depth + (long)(_rng.NextUInt64() >> 2);
            }
        }
        int best = Highest(enabled);
        while (_nextChange < _changePoints.Length && _changePoints[_nextChange] <= step)
        {
            _nextChange++;
            _priority[best] = _nextChange;
            best = Highest(enabled);
        }
        return best;
    }

    public int NextValue(int bound) => _values.NextInt(bound);

    /// <summary>A spinning actor drops below every other priority (0), as Coyote's PCT does on a yield.</summary>
    public void OnYield(int actor)
    {
        if (actor < _seen.Length && _seen[actor]) _priority[actor] = 0;
    }

    private int Highest(ReadOnlySpan<int> enabled)
    {
        int best = enabled[0];
        for (int i = 1; i < enabled.Length; i++)
        {
            int id = enabled[i];
            if (_priority[id] > _priority[best] || (_priority[id] == _priority[best] && id < best)) best = id;
        }
        return best;
    }

    private void Grow(int id)
    {
        int n = _seen.Length;
        while (n <= id) n *= 2;
        Array.Resize(ref _seen, n);
        Array.Resize(ref _priority, n);
    }
}

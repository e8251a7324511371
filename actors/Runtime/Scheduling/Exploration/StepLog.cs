namespace StressVm.Runtime;

/// <summary>
/// The steps of one run as exploration sees them: per step the actor, the step that posted what it delivered
/// (the causal edge), a label (actor, kind, message type) and its footprint. Flat arrays reused between runs.
/// </summary>
public sealed class StepLog : IStepObserver
{
    private int[] _actor = new int[128];
    private int[] _postedAt = new int[128];
    private ulong[] _label = new ulong[128];
    private bool[] _global = new bool[128];
    private int[] _fpStart = new int[129];
    private long[] _res = new long[512];
    private bool[] _write = new bool[512];
    private int _resCount;
    private EnvelopeKind _kind;
    private ActorSystem? _system;
    private ulong _values;
    private long _lastResource = long.MinValue; // this step's last declared resource, and whether it is written
    private bool _lastWasWrite;

    public int Count { get; private set; }
    public int ActorCount { get; private set; }

    /// <summary>Called at the end of every step (after its footprint is complete).</summary>
    public Action<int>? OnStepEnd { get; set; }

    public int ActorOf(int step) => _actor[step];
    public int PostedAt(int step) => _postedAt[step];
    public ulong LabelOf(int step) => _label[step];
    public bool IsGlobal(int step) => _global[step];

    public void RunBegins(ActorSystem system)
    {
        Count = 0;
        _resCount = 0;
        _fpStart[0] = 0;
        _values = 0;
        ActorCount = system.ActorCount;
        _system = system;
    }

    public void StepBegins(int step, int actor, EnvelopeKind kind, int postedAt)
    {
        if (step != Count) throw new InvalidOperationException($"step log out of step: {step} after {Count}");
        if (Count + 1 >= _actor.Length) Grow();
        _actor[Count] = actor;
        _postedAt[Count] = postedAt;
        _global[Count] = false;
        _kind = kind; // values drawn by a per-sender pick come just before: they belong to this step
        _lastResource = long.MinValue;
        if (actor >= ActorCount) ActorCount = actor + 1;
        Access(Footprint.ActorState(actor), true);
    }

    public void Access(long resource, bool write)
    {
        // A lock's state is declared by every member that reads it: most calls repeat the one before.
        if (resource == _lastResource && (_lastWasWrite || !write)) return;
        if (resource == Footprint.Global) { _global[Count] = true; return; }
        _lastResource = resource;
        int start = _fpStart[Count];
        for (int i = start; i < _resCount; i++)
            if (_res[i] == resource) { _lastWasWrite = _write[i] |= write; return; }
        _lastWasWrite = write;
        if (_resCount == _res.Length)
        {
            Array.Resize(ref _res, _res.Length * 2);
            Array.Resize(ref _write, _write.Length * 2);
        }
        _res[_resCount] = resource;
        _write[_resCount] = write;
        _resCount++;
    }

    public void Drew(int value, int bound) => _values = StableHash.Mix(_values, ((ulong)(uint)bound << 32) | (uint)value);

    public void StepEnds(int step, int actor, ulong typeHash)
    {
        if (ActorCount < _system!.ActorCount) ActorCount = _system.ActorCount; // created during the step
        _label[Count] = StableHash.Mix(StableHash.Mix(StableHash.Mix((ulong)actor + 1, typeHash), (ulong)_kind), _values);
        _values = 0;
        Count++;
        _fpStart[Count] = _resCount;
        OnStepEnd?.Invoke(step);
    }

    /// <summary>Makes a step conflict with every other (one that ended the run).</summary>
    public void MarkGlobal(int step) => _global[step] = true;

    /// <summary>The resources step <paramref name="step"/> touched, and whether it wrote each.</summary>
    public ReadOnlySpan<long> Resources(int step) => new(_res, _fpStart[step], _fpStart[step + 1] - _fpStart[step]);

    public ReadOnlySpan<bool> Writes(int step) => new(_write, _fpStart[step], _fpStart[step + 1] - _fpStart[step]);

    /// <summary>Whether two steps of different actors conflict: one touches everything, or both touch one resource and one writes it.</summary>
    public bool Conflict(int a, int b)
    {
        if (_actor[a] == _actor[b]) return true;
        if (_global[a] || _global[b]) return true;
        return FootprintSet.Meet(Resources(a), Writes(a), Resources(b), Writes(b));
    }

    /// <summary>The footprint of one step, copied (for sleep sets, which outlive the run).</summary>
    public FootprintSet Copy(int step) => new FootprintSet().Add(_global[step], Resources(step), Writes(step));

    private void Grow()
    {
        int n = _actor.Length * 2;
        Array.Resize(ref _actor, n);
        Array.Resize(ref _postedAt, n);
        Array.Resize(ref _label, n);
        Array.Resize(ref _global, n);
        Array.Resize(ref _fpStart, n + 1);
    }
}

/// <summary>A footprint kept across runs: a union of steps' footprints (a sleeping actor's every explored variant).</summary>
public sealed class FootprintSet
{
    private readonly List<long> _res = new();
    private readonly List<bool> _write = new();

    public bool Global { get; private set; }

    public FootprintSet Add(bool global, ReadOnlySpan<long> res, ReadOnlySpan<bool> write)
    {
        Global |= global;
        for (int i = 0; i < res.Length; i++)
        {
            int at = _res.IndexOf(res[i]);
            if (at < 0) { _res.Add(res[i]); _write.Add(write[i]); }
            else _write[at] |= write[i];
        }
        return this;
    }

    public FootprintSet Add(FootprintSet other)
    {
        Global |= other.Global;
        for (int i = 0; i < other._res.Count; i++)
        {
            int at = _res.IndexOf(other._res[i]);
            if (at < 0) { _res.Add(other._res[i]); _write.Add(other._write[i]); }
            else _write[at] |= other._write[i];
        }
        return this;
    }

    /// <summary>Whether this footprint conflicts with step <paramref name="step"/> of <paramref name="log"/>.</summary>
    public bool ConflictsWith(StepLog log, int step)
    {
        if (Global || log.IsGlobal(step)) return true;
        var res = log.Resources(step);
        var wr = log.Writes(step);
        for (int i = 0; i < res.Length; i++)
        {
            int at = _res.IndexOf(res[i]);
            if (at >= 0 && (wr[i] || _write[at])) return true;
        }
        return false;
    }

    internal static bool Meet(ReadOnlySpan<long> ra, ReadOnlySpan<bool> wa, ReadOnlySpan<long> rb, ReadOnlySpan<bool> wb)
    {
        for (int i = 0; i < ra.Length; i++)
            for (int j = 0; j < rb.Length; j++)
                if (ra[i] == rb[j] && (wa[i] || wb[j])) return true;
        return false;
    }
}

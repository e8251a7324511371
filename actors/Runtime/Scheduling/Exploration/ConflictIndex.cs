namespace StressVm.Runtime;

/// <summary>
/// Per resource, the last step that wrote it and the steps that read it since: the only earlier steps a new step
/// can race with. Any other conflicting earlier step is ordered before one of these (it conflicts with that
/// write), so <see cref="PartialOrder.Build"/> visits these candidates instead of every earlier step, and gets
/// the same clocks and races as the pairwise scan. Reused between runs.
/// </summary>
internal sealed class ConflictIndex
{
    // Resource -> slot: open addressing (linear probing), cleared per run; a run touches a few dozen resources.
    private long[] _keys = new long[256];
    private int[] _slotOfKey = new int[256];
    private int[] _used = new int[64]; // the key positions filled this run, to clear them

    private int[] _lastWrite = new int[64];
    private int[][] _reads = new int[64][];
    private int[] _readCount = new int[64];
    private int _slots;
    private int _lastGlobal = -1;
    private int[] _lastOfActor = Array.Empty<int>();
    private int[] _older = Array.Empty<int>(), _newer = Array.Empty<int>(); // by last step, newest first
    private int _recent = -1;
    private int[] _candidates = new int[64];

    public void Reset()
    {
        for (int i = 0; i < _slots; i++) _slotOfKey[_used[i]] = 0;
        _slots = 0;
        _lastGlobal = -1;
        _lastOfActor.AsSpan().Fill(-1);
        _recent = -1;
    }

    /// <summary>
    /// The earlier steps step <paramref name="j"/> may race with, latest first, without duplicates; then records
    /// j's accesses. A global step (one that conflicts with everything) gets each actor's latest step.
    /// </summary>
    public ReadOnlySpan<int> CandidatesThenRecord(StepLog log, int j)
    {
        int n = 0;
        if (log.IsGlobal(j))
        {
            // Every earlier step conflicts; each actor's last one orders the rest of that actor's steps (already
            // latest first: actors are kept in order of their last step), and j orders every access so far, so
            // the resources are forgotten (older entries are stale).
            for (int a = _recent; a >= 0; a = _older[a]) Add(ref n, _lastOfActor[a]);
            _lastGlobal = j;
            MarkRecent(log.ActorOf(j), j);
            return new ReadOnlySpan<int>(_candidates, 0, n);
        }
        else
        {
            if (_lastGlobal >= 0) Add(ref n, _lastGlobal);
            var res = log.Resources(j);
            var wr = log.Writes(j);
            for (int k = 0; k < res.Length; k++)
            {
                int s = SlotOf(res[k]);
                if (_lastWrite[s] > _lastGlobal) Add(ref n, _lastWrite[s]);
                if (wr[k])
                {
                    for (int r = 0; r < _readCount[s]; r++) if (_reads[s][r] > _lastGlobal) Add(ref n, _reads[s][r]);
                    _lastWrite[s] = j;
                    _readCount[s] = 0;
                }
                else AddRead(s, j);
            }
        }
        MarkRecent(log.ActorOf(j), j);
        // Latest first, without duplicates (insertion sort: a handful of candidates).
        var c = new Span<int>(_candidates, 0, n);
        for (int i = 1; i < n; i++)
        {
            int x = c[i], k = i - 1;
            while (k >= 0 && c[k] < x) { c[k + 1] = c[k]; k--; }
            c[k + 1] = x;
        }
        int m = 0;
        for (int i = 0; i < n; i++) if (m == 0 || c[i] != c[m - 1]) c[m++] = c[i];
        return c[..m];
    }

    // Moves the actor to the front of the list of actors by their last step (a doubly linked list in arrays).
    private void MarkRecent(int actor, int step)
    {
        if (actor >= _lastOfActor.Length)
        {
            int old = _lastOfActor.Length, n = Math.Max(actor + 1, old * 2);
            Array.Resize(ref _lastOfActor, n);
            Array.Resize(ref _older, n);
            Array.Resize(ref _newer, n);
            _lastOfActor.AsSpan(old).Fill(-1);
        }
        if (_lastOfActor[actor] >= 0 && _recent != actor)
        {
            int o = _older[actor], w = _newer[actor];
            _older[w] = o;
            if (o >= 0) _newer[o] = w;
        }
        if (_recent != actor)
        {
            _older[actor] = _recent;
            _newer[actor] = -1;
            if (_recent >= 0) _newer[_recent] = actor;
            _recent = actor;
        }
        _lastOfActor[actor] = step;
    }

    private void Add(ref int n, int step)
    {
        if (n == _candidates.Length) Array.Resize(ref _candidates, n * 2);
        _candidates[n++] = step;
    }

    private int SlotOf(long resource)
    {
        int mask = _keys.Length - 1;
        int at = (int)((ulong)(resource * unchecked((long)0x9E3779B97F4A7C15UL)) >> 40) & mask;
        while (_slotOfKey[at] != 0)
        {
            if (_keys[at] == resource) return _slotOfKey[at] - 1;
            at = (at + 1) & mask;
        }
        if ((_slots + 1) * 2 > _keys.Length) { Rehash(); return SlotOf(resource); }
        int s = _slots++;
        if (s == _lastWrite.Length)
        {
            Array.Resize(ref _lastWrite, s * 2);
            Array.Resize(ref _reads, s * 2);
            Array.Resize(ref _readCount, s * 2);
            Array.Resize(ref _used, s * 2);
        }
        _keys[at] = resource;
        _slotOfKey[at] = s + 1; // 0 = empty
        _used[s] = at;
        _lastWrite[s] = -1;
        _readCount[s] = 0;
        return s;
    }

    // Doubles the table and re-inserts this run's keys at their new positions, keeping their slots.
    private void Rehash()
    {
        var keys = new long[_keys.Length * 2];
        var slots = new int[keys.Length];
        int mask = keys.Length - 1;
        if (_used.Length < _lastWrite.Length) Array.Resize(ref _used, _lastWrite.Length);
        for (int s = 0; s < _slots; s++)
        {
            long key = _keys[_used[s]];
            int at = (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15UL)) >> 40) & mask;
            while (slots[at] != 0) at = (at + 1) & mask;
            keys[at] = key;
            slots[at] = s + 1;
            _used[s] = at;
        }
        _keys = keys;
        _slotOfKey = slots;
    }

    private void AddRead(int s, int step)
    {
        var list = _reads[s] ??= new int[4];
        if (_readCount[s] == list.Length) Array.Resize(ref _reads[s], list.Length * 2);
        _reads[s][_readCount[s]++] = step;
    }
}

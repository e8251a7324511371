namespace StressVm.Scenarios.Soak;

/// <summary>
/// Which of one scenario's chunks (shard-local numbers) are done, and which are claimed by a worker now.
/// Kept compact: every chunk below <see cref="DoneBelow"/> is done, plus a small set above it. A claim
/// takes the lowest chunk that is neither done nor claimed, so a resume first re-runs the chunks a killed
/// session left unfinished. Thread-safe.
/// </summary>
public sealed class ChunkLedger
{
    private readonly object _gate = new();
    private readonly HashSet<long> _doneAbove = new();
    private readonly HashSet<long> _claimed = new();
    private long _doneBelow;

    public long DoneBelow { get { lock (_gate) return _doneBelow; } }

    public long DoneCount { get { lock (_gate) return _doneBelow + _doneAbove.Count; } }

    public bool IsDone(long chunk)
    {
        lock (_gate) return chunk < _doneBelow || _doneAbove.Contains(chunk);
    }

    /// <summary>Records <paramref name="chunk"/> as done; false when it already was (a duplicated record).</summary>
    public bool MarkDone(long chunk)
    {
        lock (_gate)
        {
            _claimed.Remove(chunk);
            if (chunk < _doneBelow || !_doneAbove.Add(chunk)) return false;
            while (_doneAbove.Remove(_doneBelow)) _doneBelow++;
            return true;
        }
    }

    /// <summary>Claims the lowest chunk that is neither done nor claimed.</summary>
    public long Claim()
    {
        lock (_gate)
        {
            long c = _doneBelow;
            while (_doneAbove.Contains(c) || _claimed.Contains(c)) c++;
            _claimed.Add(c);
            return c;
        }
    }

    /// <summary>Gives a claimed chunk back unfinished (the session stops); the next claim may take it again.</summary>
    public void Release(long chunk)
    {
        lock (_gate) _claimed.Remove(chunk);
    }

    /// <summary>The done chunks below <paramref name="limit"/> (for tests and reports).</summary>
    public IEnumerable<long> DoneChunks(long limit)
    {
        for (long c = 0; c < limit; c++) if (IsDone(c)) yield return c;
    }
}

using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Coordinator;

/// <summary>A chunk handed out: the first <see cref="Seeds"/> seeds of <see cref="Scenario"/>'s local chunk <see cref="Chunk"/>.</summary>
public sealed record ChunkGrant(string Scenario, long Chunk, int Seeds);

/// <summary>
/// Which chunk goes out next: chunks taken back from a lost or crashed worker first (they were granted already),
/// then the lowest chunk of the next scenario in rotation that is neither done nor out (so a resume first re-runs
/// what a killed session left unfinished), while the session's schedule budget lasts. The coordinator's alone.
/// </summary>
public sealed class ChunkQueue(SoakState state, IReadOnlyList<string> scenarios, int chunkSize, long? maxSchedules)
{
    private readonly LinkedList<ChunkGrant> _requeued = new();
    private long _budget = maxSchedules ?? long.MaxValue;
    private long _claims;

    /// <summary>Nothing to hand out, ever again this session: the budget is spent and nothing came back.</summary>
    public bool Exhausted => _budget <= 0 && _requeued.Count == 0;

    public int Requeued => _requeued.Count;

    public ChunkGrant? Next()
    {
        if (_requeued.First is { } first)
        {
            _requeued.RemoveFirst();
            return first.Value;
        }
        if (_budget <= 0) return null;
        int granted = (int)Math.Min(chunkSize, _budget);
        _budget -= granted;
        string scenario = scenarios[(int)(_claims++ % scenarios.Count)];
        return new ChunkGrant(scenario, state.Ledger(scenario).Claim(), granted);
    }

    /// <summary>A granted chunk came back unrun (its worker was lost or threw): it goes out again first.</summary>
    public void Requeue(ChunkGrant grant)
    {
        if (state.Ledger(grant.Scenario).IsDone(grant.Chunk)) return;
        _requeued.AddFirst(grant);
    }

    /// <summary>A granted chunk was given back unfinished: the ledger may hand it out again (next session).</summary>
    public void Release(ChunkGrant grant) => state.Ledger(grant.Scenario).Release(grant.Chunk);
}

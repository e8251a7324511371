using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// What one soak session does. Bound from the CLI (and, once wired, from <c>StressVmSettings.Soak</c>).
/// <see cref="ChunkSize"/>, <see cref="BaseSeed"/>, <see cref="Shard"/> and <see cref="Portfolio"/> define the seed
/// space and are fixed per state directory: a resume must use the same ones.
/// </summary>
public sealed record SoakOptions
{
    /// <summary>Scenario names to run, in rotation; empty = every scenario of the source.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>Wall-clock limit of this session; null = none.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Schedules this session may run; null = no limit. The session stops at whichever limit comes first.</summary>
    public long? MaxSchedules { get; init; }

    /// <summary>Worker threads, each running whole simulations one after another; default one per core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    public required string StateDirectory { get; init; }

    public ShardSpec Shard { get; init; } = ShardSpec.Single;

    /// <summary>Seeds per chunk: the unit that workers claim and that is recorded as done.</summary>
    public int ChunkSize { get; init; } = 4096;

    public ulong BaseSeed { get; init; } = 1;

    public StrategyPortfolio Portfolio { get; init; } = StrategyPortfolio.Default;

    /// <summary>Steps before a violation that make up its dedup signature.</summary>
    public int SignatureDepth { get; init; } = FailureSignature.DefaultDepth;

    /// <summary>Minimize the first failure of each new signature and keep its schedule in the state directory.</summary>
    public bool Minimize { get; init; } = true;

    public MinimizerOptions Minimizer { get; init; } = new(MaxReplays: 1000);

    /// <summary>Track interleaving classes and conflicting pairs (a partial order per run: it costs some schedules/s).</summary>
    public bool Coverage { get; init; } = true;

    /// <summary>Internal-error records kept per scenario and session (all are counted).</summary>
    public int MaxInternalErrorRecords { get; init; } = 20;

    public void Validate()
    {
        if (Workers < 0) throw new ArgumentException($"workers must not be negative, got {Workers}");
        if (ChunkSize < 1) throw new ArgumentException($"chunk size must be at least 1, got {ChunkSize}");
        if (MaxSchedules is < 0) throw new ArgumentException($"max schedules must not be negative, got {MaxSchedules}");
        if (Duration is { } d && d <= TimeSpan.Zero) throw new ArgumentException($"duration must be positive, got {d}");
        if (SignatureDepth < 1) throw new ArgumentException($"signature depth must be at least 1, got {SignatureDepth}");
        if (string.IsNullOrWhiteSpace(StateDirectory)) throw new ArgumentException("a state directory is required");
    }
}

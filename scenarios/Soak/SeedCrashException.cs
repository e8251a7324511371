namespace StressVm.Scenarios.Soak;

/// <summary>
/// A seed whose run threw outside the runtime's own catch (preparing the run, reading its trace): the worker
/// that ran it is restarted with fresh models and its chunk re-queued; a seed that crashes twice is recorded
/// as an internal error and skipped (<see cref="SoakWorker.RunChunk"/>'s skip set).
/// </summary>
public sealed class SeedCrashException(string scenario, long chunk, ulong seed, string strategy, string recipe, Exception inner)
    : Exception($"{scenario} seed {seed} ({strategy}): {inner.GetType().Name}: {inner.Message}", inner)
{
    public string Scenario { get; } = scenario;
    public long Chunk { get; } = chunk;
    public ulong Seed { get; } = seed;
    public string Strategy { get; } = strategy;

    /// <summary>The recipe's text: what replays the seed on its own.</summary>
    public string Recipe { get; } = recipe;
}

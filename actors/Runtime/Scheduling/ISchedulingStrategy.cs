namespace StressVm.Runtime;

/// <summary>
/// Decides the interleaving: which enabled actor steps next, and the value of every random choice a
/// model makes. One small class per strategy; the system records every decision it makes.
/// </summary>
public interface ISchedulingStrategy
{
    /// <summary>Short name for reports and schedule headers (<see cref="StrategySpec.Text"/> form: "random", "pct:3:57"; or "replay").</summary>
    string Name { get; }

    /// <summary>Starts a run: re-seeds from <paramref name="seed"/> (no allocation in steady state).</summary>
    void Prepare(ulong seed);

    /// <summary>Returns the id of the actor to step, one of <paramref name="enabled"/> (never empty).</summary>
    int NextActor(ReadOnlySpan<int> enabled, int step);

    /// <summary>Returns a value in [0, bound) for a model's random choice.</summary>
    int NextValue(int bound);

    /// <summary>
    /// The actor is spinning (retrying what another actor must first change). A priority-based strategy lowers
    /// it, so that a high priority cannot starve the others into a false livelock; the others ignore it.
    /// </summary>
    void OnYield(int actor) { }
}

/// <summary>Thrown by a replaying strategy when the run no longer matches the schedule.</summary>
public sealed class ReplayDivergedException(string message) : Exception(message);

/// <summary>
/// Thrown by an exploring strategy when every enabled actor is asleep (each would only repeat an explored
/// interleaving class): the run ends as <see cref="Outcome.Abandoned"/>.
/// </summary>
public sealed class RunAbandonedException() : Exception("every enabled actor is asleep");

namespace StressVm.Runtime;

/// <summary>
/// Something the explorer can run many times: a system plus how to set it up for one seed. A run must be a
/// pure function of (model settings, strategy, seed): <see cref="PrepareRun"/> may draw swarm knobs or a
/// random program from the seed, never from anything else.
/// </summary>
public interface ISimulationModel
{
    string Name { get; }

    ActorSystem System { get; }

    /// <summary>Configures the model for <paramref name="seed"/>; returns what sends the run's first messages.</summary>
    Action<ActorSystem>? PrepareRun(ulong seed);

    /// <summary>Adds the last run's model counters (faults taken, PTEs made young...) to <paramref name="into"/>.</summary>
    void AddCounters(IDictionary<string, long> into) { }
}

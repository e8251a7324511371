using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Where the soak and the minimizer get their models: the scenario names, a fresh model per worker (models
/// are single-threaded, so every worker thread owns its own instances) and the command that replays a seed.
/// </summary>
public interface IScenarioSource
{
    IReadOnlyList<string> Names { get; }

    /// <summary>A new model of <paramref name="name"/> for worker <paramref name="workerIndex"/> (never shared between threads).</summary>
    ISimulationModel Create(string name, int workerIndex);

    /// <summary>The recipe of <paramref name="seed"/> under <paramref name="strategy"/>: it formats the replay command and the journal record.</summary>
    Recipe Recipe(string scenario, ulong seed, StrategySpec strategy) => Recipes.ForModel(scenario, strategy, seed);

    /// <summary>What <paramref name="scenario"/> predicts (its <c>expect</c>), for the verdict; a source that knows nothing predicts "pass".</summary>
    ScenarioExpectation Expectation(string scenario) => ScenarioExpectation.Pass(scenario);
}

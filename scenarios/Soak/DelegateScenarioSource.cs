using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// An <see cref="IScenarioSource"/> over a list of names and a factory: the one-liner that wires a scenario
/// loader into the soak, e.g. <c>new DelegateScenarioSource(loader.Names, name => loader.Load(name))</c>.
/// </summary>
public sealed class DelegateScenarioSource(
    IReadOnlyList<string> names,
    Func<string, ISimulationModel> create,
    Func<string, ulong, StrategySpec, Recipe>? recipe = null,
    Func<string, ScenarioExpectation>? expectation = null) : IScenarioSource
{
    public IReadOnlyList<string> Names { get; } = names;

    public ISimulationModel Create(string name, int workerIndex)
    {
        if (!Names.Contains(name))
            throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Names)}");
        return create(name);
    }

    public Recipe Recipe(string scenario, ulong seed, StrategySpec strategy) =>
        recipe is null ? Recipes.ForModel(scenario, strategy, seed) : recipe(scenario, seed, strategy);

    public ScenarioExpectation Expectation(string scenario) =>
        Names.Contains(scenario) && expectation is not null ? expectation(scenario) : ScenarioExpectation.Pass(scenario);
}

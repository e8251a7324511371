using StressVm.Runtime;

namespace StressVm.Scenarios.Soak.Toys;

/// <summary>
/// The toy scenarios the soak runs until the kernel scenarios are wired in: two distinct bugs, a correct
/// counter (for throughput), and a model that sometimes throws (internal errors).
/// </summary>
public static class ToyScenarios
{
    public const string LostUpdate = "toy-lost-update";
    public const string CounterOk = "toy-counter-ok";
    public const string PublishBeforeInit = "toy-publish-before-init";
    public const string Crashing = "toy-crashing";

    public static readonly IReadOnlyList<string> Names = [LostUpdate, CounterOk, PublishBeforeInit, Crashing];

    public static ISimulationModel Create(string name) => name switch
    {
        LostUpdate => new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 2)),
        CounterOk => new LostUpdateModel(name, new LostUpdateOptions(Clients: 4, Increments: 8, Atomic: true)),
        PublishBeforeInit => new PublishBeforeInitModel(name),
        Crashing => new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 2, CrashOneIn: 16)),
        _ => throw new ArgumentException($"unknown toy scenario '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>The toys' predictions: the two racy models plant their bug; the correct counter predicts nothing.</summary>
    public static ScenarioExpectation Expectation(string name) => name switch
    {
        LostUpdate or Crashing => new(name, "lost-update"),
        PublishBeforeInit => new(name, "read-before-init"),
        _ => ScenarioExpectation.Pass(name),
    };

    public static IScenarioSource Source { get; } = new DelegateScenarioSource(Names, Create, expectation: Expectation);
}

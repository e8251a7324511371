using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The built-in kernel scenarios as a soak/minimize source: each worker gets its own model, built with the
/// user's knob overrides, and a failure's recipe carries those overrides so it reproduces alone.
/// </summary>
public static class KernelScenarioSource
{
    public static IScenarioSource Create(RunSettings settings) => new DelegateScenarioSource(
        ScenarioCatalog.Names,
        name => ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(name), settings, recordTrace: true), // signatures read a failing run's trace (SoakWorker re-runs it traced)
        (name, seed, strategy) =>
        {
            var spec = ScenarioCatalog.LoadBuiltin(name);
            return Recipes.For(spec, settings, strategy, seed) with { Swarm = Recipes.SwarmOf(spec, seed) };
        },
        name => ScenarioExpectation.Of(ScenarioCatalog.LoadBuiltin(name)));
}

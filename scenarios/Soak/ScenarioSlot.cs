using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// One worker's instance of one scenario: its model, the pilot run length PCT uses, and one strategy
/// object per portfolio entry (reused from seed to seed: strategies re-seed in place).
/// </summary>
internal sealed class ScenarioSlot
{
    public ScenarioSlot(string scenario, ISimulationModel model, StrategyPortfolio portfolio)
    {
        Scenario = scenario;
        Model = model;
        ExpectedSteps = Explorer.EstimateSteps(model);
        Specs = portfolio.Entries.Select(e => e.Resolve(() => ExpectedSteps)).ToArray();
        SpecTexts = Specs.Select(s => s.Text).ToArray();
        Strategies = Specs.Select(s => s.Create()).ToArray();
    }

    public string Scenario { get; }
    public ISimulationModel Model { get; }
    public int ExpectedSteps { get; }
    public StrategySpec[] Specs { get; }
    public string[] SpecTexts { get; }
    public ISchedulingStrategy[] Strategies { get; }

    /// <summary>
    /// Whether the next chunk records every run's trace instead of running untraced and re-running only the failing
    /// seeds traced: chosen when a quarter or more of the last chunk's runs failed, where re-runs would cost more
    /// than tracing. Speed only: a run is the same run traced or not.
    /// </summary>
    public bool TraceEveryRun { get; set; }
}

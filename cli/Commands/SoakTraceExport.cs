using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// Exports the trace of one distinct failure a soak found: the failing seed is run again on a model of its own (same
/// strategy; determinism makes it the same run) and handed to telemetry, whose Polly pipeline and bounded queue keep a
/// failing collector from holding the soak up. Called on the campaign's trace export actor, one failure at a time.
/// </summary>
internal sealed class SoakTraceExport(IScenarioSource source, TelemetrySession session)
{
    private readonly Dictionary<string, ISimulationModel> _models = new(StringComparer.Ordinal);

    public void Export(FailureFound f)
    {
        try
        {
            if (!_models.TryGetValue(f.Scenario, out var model)) _models[f.Scenario] = model = source.Create(f.Scenario, 0);
            var recipe = f.Recipe is { } text ? Recipe.Parse(text) : source.Recipe(f.Scenario, f.Seed, StrategySpec.Parse(f.Strategy));
            var r = Explorer.RunOne(model, recipe.Strategy.Create(), f.Seed);
            TelemetryCliOptions.ExportRun(session, f.Scenario, recipe, r, model.System.Trace, null, Console.Error);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"stressvm soak: warning: cannot export the trace of {f.Scenario} seed {f.Seed}: {e.Message}");
        }
    }
}

using System.Collections.Concurrent;
using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// Exports one trace per distinct failure a soak found: the failing seed is run again on a fresh model (same
/// strategy; determinism makes it the same run) and handed to telemetry, whose Polly pipeline and bounded
/// queue keep a failing collector from holding the soak up. Runs after the workers stop.
/// </summary>
internal static class SoakTraceExport
{
    public static void Export(IScenarioSource source, ConcurrentQueue<FailureFound> failures, TelemetrySession session)
    {
        var models = new Dictionary<string, ISimulationModel>(StringComparer.Ordinal);
        while (failures.TryDequeue(out var f))
        {
            try
            {
                if (!models.TryGetValue(f.Scenario, out var model)) models[f.Scenario] = model = source.Create(f.Scenario, 0);
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
}

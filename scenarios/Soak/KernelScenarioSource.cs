using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The built-in kernel scenarios as a soak/minimize source: each worker gets its own model, built with the
/// user's knob overrides, and a failure's replay command carries those overrides so it reproduces alone.
/// </summary>
public static class KernelScenarioSource
{
    public static IScenarioSource Create(RunSettings settings) => new DelegateScenarioSource(
        ScenarioCatalog.Names,
        name => ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(name), settings, recordTrace: true), // signatures read the trace
        (name, seed, strategy) => ReplayCommandFormat.Default(name, seed, strategy) + KnobArguments(settings));

    /// <summary>" -D stressvm.kernel.bugs.X=true ..." for every knob the user set, in name order.</summary>
    public static string KnobArguments(RunSettings settings) => string.Concat(
        settings.KnobOverrides.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => $" -D stressvm.kernel.bugs.{k.Key}={(k.Value ? "true" : "false")}"));
}

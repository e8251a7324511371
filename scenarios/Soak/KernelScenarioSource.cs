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
        (name, seed, strategy) => ReplayCommandFormat.Default(name, seed, strategy) + KnobArguments(settings),
        name => ScenarioExpectation.Of(ScenarioCatalog.LoadBuiltin(name)));

    /// <summary>" -D ..." for every knob, setting and run option the user changed (see <see cref="RunSettings.OverrideArguments"/>).</summary>
    public static string KnobArguments(RunSettings settings) => settings.OverrideArguments();
}

using StressVm.Scenarios;

namespace StressVm.Tests.Scenarios;

/// <summary>
/// The knob scenarios, read from the scenario catalogue instead of restated in tests: every built-in scenario that
/// pins exactly one bug knob on (its <c>bugs { }</c>) and expects a finding (its <c>expect</c>). A scenario file that
/// changes its knob or its expected invariant changes the tests with it.
/// </summary>
internal static class CatalogKnobs
{
    /// <summary>(knob, scenario, invariant) in catalogue order.</summary>
    public static IReadOnlyList<(string Knob, string Scenario, string Invariant)> All { get; } =
        ScenarioCatalog.Names
            .Select(ScenarioCatalog.LoadBuiltin)
            .Where(s => !s.ExpectsPass && s.Pins.Count(p => p.Value) == 1)
            .Select(s => (s.Pins.Single(p => p.Value).Key, s.Name, s.Expect))
            .ToArray();

    /// <summary>Scenarios of the generic mm machinery: anonymous or plain page-cache (filemap) VMAs only.</summary>
    public static IEnumerable<(string Knob, string Scenario, string Invariant)> Generic =>
        All.Where(k => !UsesADriver(k.Scenario));

    /// <summary>Scenarios of the issue-5 drivers: a VMA served by perf, fb_defio or DAX.</summary>
    public static IEnumerable<(string Knob, string Scenario, string Invariant)> Drivers =>
        All.Where(k => UsesADriver(k.Scenario));

    /// <summary>The correct driver scenarios: <c>expect = pass</c> with a driver VMA.</summary>
    public static IReadOnlyList<string> CleanDrivers =>
        ScenarioCatalog.Names.Where(n => ScenarioCatalog.LoadBuiltin(n).ExpectsPass && UsesADriver(n)).ToArray();

    private static bool UsesADriver(string scenario) =>
        ScenarioCatalog.LoadBuiltin(scenario).Vmas.Any(v => v.Driver is not null and not "filemap");
}

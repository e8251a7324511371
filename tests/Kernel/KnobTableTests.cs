using StressVm.Config;
using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// The one knob table (<see cref="KernelKnobs.All"/>) drives names, lookup and overrides; HOCON.conf documents
/// exactly its rows with their defaults, and every bug knob has a built-in scenario that pins it and expects a finding.
/// </summary>
public class KnobTableTests
{
    /// <summary>(knob, scenario, invariant) for every built-in scenario pinning a bug knob on and expecting a finding.</summary>
    public static IReadOnlyList<(string Knob, string Scenario, string Invariant)> Catalogue() =>
        ScenarioCatalog.Names.Select(ScenarioCatalog.LoadBuiltin)
            .Where(s => !s.ExpectsPass)
            .SelectMany(s => s.Pins.Where(p => p.Value).Select(p => (p.Key, s.Name, s.Expect)))
            .OrderBy(c => KernelKnobs.Names.ToList().IndexOf(c.Key)).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void EveryBugKnobHasAScenarioThatExpectsAFinding()
    {
        var cases = Catalogue();
        foreach (var knob in KernelKnobs.Names) Assert.Contains(cases, c => c.Knob == knob);
    }

    [Fact]
    public void HoconConfListsExactlyTheTableWithItsDefaults()
    {
        var c = ConfigLoader.LoadText("", "<none>", []);
        foreach (var k in KernelKnobs.All)
        {
            Assert.True(c.HasPath(k.Path), $"HOCON.conf has no {k.Path}");
            Assert.Equal(k.Default, c.GetString(k.Path));
        }
        var bugs = c.GetConfig(KernelKnobs.BugsPath).Keys.Select(n => KernelKnobs.BugsPath + "." + n);
        var settings = Leaves(c.GetConfig(KernelKnobs.SettingsPath).Root, "").Where(p => !p.StartsWith("bugs.", StringComparison.Ordinal))
            .Select(n => KernelKnobs.SettingsPath + "." + n);
        Assert.Equal(KernelKnobs.Paths.Order(StringComparer.Ordinal), bugs.Concat(settings).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Leaves(StressVm.Config.Hocon.HoconObject o, string prefix) =>
        o.Keys.SelectMany(k => o[k] is StressVm.Config.Hocon.HoconObject child ? Leaves(child, prefix + k + ".") : [prefix + k]);

    [Fact]
    public void EveryRowRoundTripsEveryValue()
    {
        foreach (var k in KernelKnobs.All)
            foreach (var v in k.Values)
                Assert.Equal(v, k.Format(k.Apply(KernelKnobs.Upstream, v)));
        Assert.Equal("none", KernelKnobs.Upstream.ToString());
        Assert.Empty(KernelKnobs.Upstream.Differences());
    }

    [Fact]
    public void DifferencesNameEveryChangedRow()
    {
        var k = KernelKnobs.Upstream.With("wrprotect-skip-flush", true).WithSetting("perf.mode", "legacy");
        Assert.Equal(["stressvm.kernel.bugs.wrprotect-skip-flush=true", "stressvm.kernel.perf.mode=legacy"],
            k.Differences().Select(d => $"{d.Knob.Path}={d.Value}"));
        Assert.Equal("perf.mode=legacy", k.SettingsString());
        Assert.Equal("wrprotect-skip-flush", k.ToString());
        Assert.Equal(PerfMode.Legacy, k.PerfMode);
    }

    [Theory]
    [InlineData("wrprotect-skip-flsh", "did you mean 'wrprotect-skip-flush'?")]
    [InlineData("no-such-knob-at-all", "known: munmap-free-before-flush")]
    public void AnUnknownNameSaysTheNearest(string name, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => KernelKnobs.Bug(name));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ABadValueSaysTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelKnobs.Upstream.WithSetting("dax.version", "v6.13"));
        Assert.Contains("must be v7.0 or v6.14", e.Message);
    }
}

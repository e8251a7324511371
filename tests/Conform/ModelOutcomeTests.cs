using StressVm.Conform;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>The model's allowed outcome sets: exact for sequential programs, the racy ones bounded by what the kernel guarantees.</summary>
public class ModelOutcomeTests
{
    private static readonly IReadOnlyDictionary<string, string> Debian61 = GuestSettings.For("6.1.0-57-amd64");

    private static ModelOutcomeSet Explore(string name, int seeds = 400) =>
        ModelOutcomes.Explore(CTranslator.Translate(ConformCatalog.Load(name)), Debian61, seeds);

    [Theory]
    [InlineData("anon-munmap-sigsegv", "ok|ok val=cpu0.0|ret=?|SIGSEGV|SIGSEGV")]
    [InlineData("anon-mprotect-ro-sigsegv", "ok|ret=?|ok val=cpu0.0|SIGSEGV|ret=?|ok|ok val=cpu0.5")]
    [InlineData("anon-private-dontneed-zero", "ok|ok|ret=?|ok val=0|ok val=cpu0.1|ok|ok val=cpu0.5")]
    [InlineData("file-dontneed-keeps", "ok|ret=?|ok val=cpu0.0|ok val=0")]
    [InlineData("perf-data-store-sigbus", "ok|ok|SIGBUS|ok")]
    [InlineData("perf-readonly-sigsegv", "ok|ok|SIGSEGV|SIGSEGV")]
    public void ASequentialProgramHasExactlyOneAllowedOutcome(string scenario, string expected)
    {
        var m = Explore(scenario);
        Assert.Empty(m.Unfinished);
        var only = Assert.Single(m.Allowed);
        Assert.Equal(expected.Split('|'), only.Vector);
        Assert.Equal(m.Schedules, only.Count);
    }

    [Fact]
    public void AStoreLoopAgainstMunmapOnlyEverStopsWorking()
    {
        var m = Explore("race-store-vs-munmap", 2000);
        Assert.True(m.Allowed.Count >= 3, $"{m.Allowed.Count} outcomes");
        foreach (var a in m.Allowed)
        {
            var stores = a.Vector[..8];
            int firstSignal = Array.FindIndex(stores, s => s == "SIGSEGV");
            Assert.All(stores, s => Assert.True(s is "ok" or "SIGSEGV", s));
            if (firstSignal >= 0) Assert.All(stores[firstSignal..], s => Assert.Equal("SIGSEGV", s));
        }
        // Both ends are reachable: munmap before the first store, and after the last.
        Assert.Contains(m.Allowed, a => a.Vector[..8].All(s => s == "ok"));
        Assert.Contains(m.Allowed, a => a.Vector[..8].All(s => s == "SIGSEGV"));
    }

    [Fact]
    public void ALoadRacingAStoreSeesZeroOrTheStoredValue()
    {
        var m = Explore("race-load-vs-store", 1000);
        Assert.True(m.Allowed.Count >= 2);
        Assert.All(m.Allowed.SelectMany(a => a.Vector.Skip(1)), s => Assert.True(s is "ok val=0" or "ok val=cpu0.0", s));
    }

    [Fact]
    public void TheModelOutcomeSetIsAFunctionOfTheScenarioAndSettings()
    {
        var a = Explore("race-store-vs-mprotect", 400);
        var b = Explore("race-store-vs-mprotect", 400);
        Assert.Equal(a.Allowed.Select(x => string.Join(';', x.Vector) + x.Count), b.Allowed.Select(x => string.Join(';', x.Vector) + x.Count));
    }

    [Theory]
    [InlineData("6.1.0-57-amd64", "legacy", "v6.14", "v6.14")]
    [InlineData("6.13.2", "legacy", "v6.14", "v6.14")]
    [InlineData("6.14.0-rc1", "pfnmap", "v6.14", "v6.14")]
    [InlineData("6.15.1", "pfnmap", "v7.0", "v7.0")]
    [InlineData("7.0.0-rc6", "pfnmap", "v7.0", "v7.0")]
    public void TheModelsSettingsFollowTheGuestsVersion(string release, string perf, string fbdefio, string dax)
    {
        var s = GuestSettings.For(release);
        Assert.Equal(perf, s["perf.mode"]);
        Assert.Equal(fbdefio, s["fbdefio.version"]);
        Assert.Equal(dax, s["dax.version"]);
        Assert.Equal("false", s["debug-vm"]);
    }
}

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
    [InlineData("anon-munmap-sigsegv", "stored|value=cpu0.0|ret=0|sigsegv:maperr|sigsegv:maperr")]
    [InlineData("anon-mprotect-ro-sigsegv", "stored|ret=0|value=cpu0.0|sigsegv:accerr|ret=0|stored|value=cpu0.5")]
    [InlineData("anon-private-dontneed-zero", "stored|stored|ret=0|value=0|value=cpu0.1|stored|value=cpu0.5")]
    [InlineData("anon-syscall-errors", "stored|ret=0|ret=-ENOMEM|value=0|stored|ret=-ENOMEM|ret=-ENOMEM|value=cpu0.4|sigsegv:accerr")]
    [InlineData("file-dontneed-keeps", "stored|ret=0|value=cpu0.0|value=0")]
    [InlineData("file-write-then-load", "value=0|ret=0|value=kernel")]
    [InlineData("perf-data-store-sigbus", "stored|value|sigbus:adrerr|stored")]
    [InlineData("perf-partial-munmap-einval", "ret=-EINVAL|value|stored|ret=0|sigsegv:maperr")]
    [InlineData("perf-readonly-sigsegv", "value|value|sigsegv:accerr|sigsegv:accerr")]
    [InlineData("dax-write-then-load", "value=0|ret=0|value=kernel|value=kernel|stored|value=cpu0.4")]
    [InlineData("fork-perf-dontcopy", "stored|value|ret=0|stored|value|sigsegv:maperr|sigsegv:maperr|value=cpu0.0|stored|value=cpu1.3")]
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
            int firstSignal = Array.FindIndex(stores, s => s == "sigsegv:maperr");
            Assert.All(stores, s => Assert.True(s is "stored" or "sigsegv:maperr", s));
            if (firstSignal >= 0) Assert.All(stores[firstSignal..], s => Assert.Equal("sigsegv:maperr", s));
            Assert.Equal("ret=0", a.Vector[8]);
        }
        // Both ends are reachable: munmap before the first store, and after the last.
        Assert.Contains(m.Allowed, a => a.Vector[..8].All(s => s == "stored"));
        Assert.Contains(m.Allowed, a => a.Vector[..8].All(s => s == "sigsegv:maperr"));
    }

    [Fact]
    public void ALoadRacingAStoreSeesZeroOrTheStoredValue()
    {
        var m = Explore("race-load-vs-store", 1000);
        Assert.True(m.Allowed.Count >= 2);
        Assert.All(m.Allowed.SelectMany(a => a.Vector.Skip(1)), s => Assert.True(s is "value=0" or "value=cpu0.0", s));
    }

    [Fact]
    public void AForkedChildSeesThePrefixStateOfPrivateMemoryAndSharesTheFilePage()
    {
        // fork-cow-private-shared: everything but the parent's last load (which races the child's store) is fixed.
        var m = Explore("fork-cow-private-shared", 1000);
        Assert.Empty(m.Unfinished);
        Assert.Equal(2, m.Allowed.Count);
        foreach (var a in m.Allowed)
        {
            Assert.Equal(["stored", "ret=0", "stored", "value=cpu0.2"], a.Vector[..4]);
            Assert.Equal(["value=cpu0.0", "stored", "value=cpu0.0", "value=cpu1.1"], a.Vector[5..]);
        }
        Assert.Equal(["value=0", "value=cpu1.1"], m.Allowed.Select(a => a.Vector[4]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheChildOfAForkRacingFirstTouchStoresSeesAPrefixOfThem()
    {
        var m = Explore("race-store-vs-fork", 2000);
        Assert.Empty(m.Unfinished);
        foreach (var a in m.Allowed)
        {
            Assert.Equal(["ret=0", "stored", "stored", "stored", "stored"], a.Vector[..5]);
            var child = a.Vector[5..];
            int k = Array.IndexOf(child, "value=0");
            if (k < 0) k = 4;
            for (int i = 0; i < 4; i++) Assert.Equal(i < k ? $"value=cpu1.{i}" : "value=0", child[i]);
        }
        // Every prefix, none to all four: fork before the first fault, between each two, after the last.
        Assert.Equal(5, m.Allowed.Count);
    }

    [Fact]
    public void TwoProcessesHaveTheirOwnMmsAndShareTheFilesPageCache()
    {
        var m = Explore("race-processes-file-vs-munmap", 1000);
        Assert.Empty(m.Unfinished);
        foreach (var a in m.Allowed)
        {
            Assert.Equal(["stored", "stored", "stored", "stored", "value=cpu0.3", "value=0"], a.Vector[..6]);
            Assert.Equal(["ret=0", "sigsegv:maperr", "value=0"], a.Vector[7..]);
        }
        Assert.Equal(["value=0", "value=cpu0.1", "value=cpu0.2", "value=cpu0.3"], m.Allowed.Select(a => a.Vector[6]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ForkRacingMunmapCopiesOneStateOfTheParent()
    {
        var m = Explore("race-munmap-vs-fork", 1000);
        Assert.Empty(m.Unfinished);
        Assert.All(m.Allowed, a => Assert.Equal(["ret=0", "stored", "ret=0"], a.Vector[..3]));
        Assert.Equal(["sigsegv:maperr", "value=0", "value=cpu1.0"], m.Allowed.Select(a => a.Vector[3]).Order(StringComparer.Ordinal));
    }

    private static bool ModelBug(string scenario, params string[] kernel)
    {
        var p = CTranslator.Translate(ConformCatalog.Load(scenario));
        return Comparison.Compare(p, new KernelRuns(p.Name, [kernel], []), ModelOutcomes.Explore(p, Debian61, 40)).ModelBug;
    }

    [Fact]
    public void TheKernelsSiCodeIsComparedWithTheModels()
    {
        Assert.False(ModelBug("anon-munmap-sigsegv", "stored", "value=cpu0.0", "ret=0", "sigsegv:maperr", "sigsegv:maperr"));
        // The same run with another si_code, another signal, or the fault at another address.
        Assert.True(ModelBug("anon-munmap-sigsegv", "stored", "value=cpu0.0", "ret=0", "sigsegv:accerr", "sigsegv:maperr"));
        Assert.True(ModelBug("anon-munmap-sigsegv", "stored", "value=cpu0.0", "ret=0", "sigbus:adrerr", "sigsegv:maperr"));
        Assert.True(ModelBug("anon-munmap-sigsegv", "stored", "value=cpu0.0", "ret=0", "sigsegv:maperr addr=0x100011008", "sigsegv:maperr"));
        Assert.True(ModelBug("perf-data-store-sigbus", "stored", "value", "sigbus:objerr", "stored"));
    }

    [Fact]
    public void TheKernelsSyscallReturnsAreComparedWithTheModels()
    {
        string[] model = ["stored", "ret=0", "ret=-ENOMEM", "value=0", "stored", "ret=-ENOMEM", "ret=-ENOMEM", "value=cpu0.4", "sigsegv:accerr"];
        Assert.False(ModelBug("anon-syscall-errors", model));
        for (int i = 1; i <= 6; i++)
        {
            if (!model[i].StartsWith("ret=", StringComparison.Ordinal)) continue;
            var other = (string[])model.Clone();
            other[i] = model[i] == "ret=0" ? "ret=-EINVAL" : "ret=0";
            Assert.True(ModelBug("anon-syscall-errors", other), $"{i}: {other[i]}");
        }
        Assert.True(ModelBug("anon-munmap-sigsegv", "stored", "value=cpu0.0", "ret=-EINVAL", "sigsegv:maperr", "sigsegv:maperr"));
    }

    [Fact]
    public void ValuesAreNamedByTheCProgramsLabelsWhateverTheScenarioCallsItsCpus()
    {
        var spec = ScenarioLoader.Parse("""
            files = [ { name = f0, pages = 1 } ]
            vmas = [ { name = buf, start = 0x20, pages = 1, shared = true, file = f0 } ]
            cpus = [ { name = reader, program = ["load buf"] }, { name = writer, program = ["load buf", "store buf"] } ]
            """, "t.conf", "t");
        var m = ModelOutcomes.Explore(CTranslator.Translate(spec), Debian61, 400);
        Assert.Contains(m.Allowed, a => a.Vector[0] == "value=cpu1.1");
        Assert.All(m.Allowed, a => Assert.Equal(["value=0", "stored"], a.Vector[1..]));
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

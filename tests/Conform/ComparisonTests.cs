using StressVm.Conform;
using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>Kernel outcomes against the model's set, and the guest's serial stream.</summary>
public class ComparisonTests
{
    private static readonly ConformProgram Munmap = CTranslator.Translate(ConformCatalog.Load("anon-munmap-sigsegv"));

    private static ModelOutcomeSet Model(params string[][] vectors) =>
        new(vectors.Select(v => new AllowedOutcome(v, 1, 0, "random")).ToArray(), vectors.Length, new Dictionary<string, int>(), "");

    [Theory]
    [InlineData("sigsegv:maperr", "sigsegv:maperr", true)]
    [InlineData("sigsegv:maperr", "sigsegv:accerr", false)]
    [InlineData("sigsegv:maperr", "sigsegv:maperr addr=0x100001000", false)]
    [InlineData("sigsegv:maperr", "sigbus:adrerr", false)]
    [InlineData("sigbus:adrerr", "sigbus:objerr", false)]
    [InlineData("ret=0", "ret=0", true)]
    [InlineData("ret=0", "ret=-ENOMEM", false)]
    [InlineData("ret=-ENOMEM", "ret=-EINVAL", false)]
    [InlineData("value=0", "value=cpu0.1", false)]
    [InlineData("value", "value=0", false)]
    [InlineData("value=kernel", "value=kernel", true)]
    public void AModelOutcomeAllowsOnlyWhatItSays(string model, string kernel, bool allowed) =>
        Assert.Equal(allowed, OutcomeText.Allows(model, kernel));

    [Fact]
    public void AnOutcomeTheModelForbidsIsAModelBugWithTheNearestModelOutcome()
    {
        var model = Model(["stored", "value=cpu0.0", "ret=0", "sigsegv:maperr", "sigsegv:maperr"], ["stored", "value=0", "ret=0", "stored", "stored"]);
        string[] seen = ["stored", "value=cpu0.0", "ret=0", "sigsegv:maperr", "stored"];
        var v = Comparison.Compare(Munmap, new KernelRuns(Munmap.Name, [seen, seen], []), model);
        Assert.True(v.ModelBug);
        Assert.Equal("MODEL BUG", v.Verdict);
        var s = Assert.Single(v.Seen);
        Assert.Equal(2, s.Count);
        Assert.False(s.Allowed);
        Assert.Equal("sigsegv:maperr", s.Nearest!.Vector[4]);
        Assert.Equal(1, s.Distance);
        Assert.Equal(2, v.NeverShown.Count);
    }

    [Fact]
    public void AllowedOutcomesTheKernelNeverShowedAreListedNotErrors()
    {
        var model = Model(["stored", "value=cpu0.0", "ret=0", "sigsegv:maperr", "sigsegv:maperr"], ["stored", "value=0", "ret=0", "stored", "stored"]);
        string[] seen = ["stored", "value=cpu0.0", "ret=0", "sigsegv:maperr", "sigsegv:maperr"];
        var v = Comparison.Compare(Munmap, new KernelRuns(Munmap.Name, [seen], []), model);
        Assert.False(v.ModelBug);
        Assert.Equal("ok", v.Verdict);
        Assert.Equal("value=0", Assert.Single(v.NeverShown).Vector[1]);
    }

    [Fact]
    public void TheSerialStreamGivesVectorsPerRunAndNamesRunsWithoutOne()
    {
        string stream =
            "RELEASE 6.1.0-57-amd64\r\nVERSION Linux version 6.1.0\r\nNPROC 2\r\n" +
            "BEGIN anon-munmap-sigsegv 1\r\ncpu0.0\tstored\r\ncpu0.1\tvalue=cpu0.0\r\ncpu0.2\tret=0\r\ncpu0.3\tsigsegv:maperr\r\ncpu0.4\tsigsegv:maperr\r\nEND\r\nRC anon-munmap-sigsegv 1 0\r\n" +
            "BEGIN anon-munmap-sigsegv 2\r\nSETUP mmap anon: File exists\r\nRC anon-munmap-sigsegv 2 3\r\n" +
            "BEGIN anon-munmap-sigsegv 3\r\ncpu0.0\tstored\r\nRC anon-munmap-sigsegv 3 139\r\nDONE\r\n";
        var g = QemuRunner.Parse(stream, [Munmap], 3, "QEMU 7.2", "PVH", 1, "");
        Assert.Equal("6.1.0-57-amd64", g.KernelRelease);
        Assert.Equal(2, g.Vcpus);
        var r = g.Programs[Munmap.Name];
        Assert.Equal("sigsegv:maperr", Assert.Single(r.Vectors)[3]);
        Assert.Equal(2, r.Failures.Count);
        Assert.Contains("SETUP mmap anon", r.Failures[0]);
        Assert.Contains("exit 139", r.Failures[1]);
    }

    [Fact]
    public void AGuestThatStopsEarlyIsSaidSo()
    {
        var g = QemuRunner.Parse("RELEASE 6.1.0\nBEGIN anon-munmap-sigsegv 1\ncpu0.0\tstored\n", [Munmap], 1, "q", "PVH", 1, "");
        Assert.Empty(g.Programs[Munmap.Name].Vectors);
        Assert.Contains(g.Programs[Munmap.Name].Failures, f => f.Contains("did not reach the end"));
    }

    [Fact]
    public void TheInitScriptRunsEveryProgramNTimesOnTheSecondSerialPortAndPowersOff()
    {
        var init = QemuRunner.InitScript([Munmap], 7, []);
        Assert.Contains("exec 3>/dev/ttyS1", init);
        Assert.Contains("while [ $r -le 7 ]", init);
        Assert.Contains("/t/anon-munmap-sigsegv >&3 2>&3", init);
        Assert.EndsWith("poweroff -f\n", init);
        Assert.DoesNotContain("insmod", init);
    }
}

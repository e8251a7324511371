using StressVm.Conform;
using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>
/// The translated programs compiled and run on the host's own kernel (no guest): the sequential anonymous and
/// file scenarios behave the same on every kernel since 6.1, so the host's outcome must be in the model's set.
/// </summary>
public class HostKernelTests
{
    [NeedsGccFact]
    public void SequentialProgramsOnTheHostKernelShowOnlyOutcomesTheModelAllows()
    {
        var dir = Directory.CreateTempSubdirectory("stressvm-conform-test-").FullName;
        try
        {
            foreach (var name in new[] { "anon-munmap-sigsegv", "anon-mprotect-ro-sigsegv", "anon-private-dontneed-zero", "file-dontneed-keeps", "anon-partial-munmap", "anon-syscall-errors", "file-write-then-load", "fork-cow-private-shared" })
            {
                var p = CTranslator.Translate(ConformCatalog.Load(name));
                string exe = Path.Combine(dir, name);
                QemuRunner.Compile(p, exe + ".c", exe);
                var r = HostTools.Run(exe, [], TimeSpan.FromSeconds(30), dir, new Dictionary<string, string> { ["CONFORM_DIR"] = dir });
                Assert.Equal(0, r.ExitCode);
                var g = QemuRunner.Parse($"RELEASE host\nBEGIN {name} 1\n{r.Stdout}RC {name} 1 0\nDONE\n", [p], 1, "", "", 0, "");
                var v = Comparison.Compare(p, g.Programs[name], ModelOutcomes.Explore(p, GuestSettings.For("6.1.0"), 200));
                Assert.False(v.ModelBug, $"{name}: {string.Join("; ", v.Seen.SelectMany(s => s.Vector))}");
                Assert.Single(v.Seen);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [NeedsGuestFact]
    public void TheCiSubsetOnDebiansKernelShowsNoModelBug()
    {
        GuestSetup.EnsureHostPackages(TextWriter.Null);
        var k = GuestSetup.DebianKernel(TextWriter.Null);
        var programs = ConformCatalog.CiSubset.Select(n => CTranslator.Translate(ConformCatalog.Load(n))).ToList();
        var g = QemuRunner.Run(k, programs, 3, TextWriter.Null);
        var settings = GuestSettings.For(g.KernelRelease);
        foreach (var p in programs)
        {
            var v = Comparison.Compare(p, g.Programs[p.Name], ModelOutcomes.Explore(p, settings, 400));
            Assert.False(v.ModelBug, p.Name);
            Assert.NotEmpty(v.Seen);
        }
    }
}

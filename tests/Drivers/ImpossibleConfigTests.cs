using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>Configurations no kernel produces are refused by the loader with a message that says why.</summary>
public class ImpossibleConfigTests
{
    private static ScenarioException Load(string vmas, string files = "") =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            $"description = \"x\"\nexpect = pass\n{files}\nvmas = [ {vmas} ]\ncpus = [ {{ name = cpu0, program = [\"load a\"] }} ]\n", "bad.conf"));

    [Fact]
    public void ASharedAnonymousVmaIsShmemAndIsRefused()
    {
        var e = Load("{ name = a, start = 16, pages = 1, prot = rw, shared = true }");
        Assert.Contains("shmem_zero_setup", e.Message);
        Assert.StartsWith("bad.conf:4:", e.Message);
    }

    [Fact]
    public void ASecondPerfMappingOfAnotherSizeFailsAsPerfMmapFailsIt()
    {
        var e = Load("{ name = a, start = 16, pages = 3, prot = rw, shared = true, file = p, driver = perf }, " +
                     "{ name = b, start = 32, pages = 2, prot = rw, shared = true, file = p, driver = perf }",
                     "files = [ { name = p, pages = 3 } ]");
        Assert.Contains("must have the size of the first (3 pages", e.Message);
        Assert.Contains("-EINVAL", e.Message);
    }

    [Theory]
    [InlineData("pages = 4", "1 + 2^n pages")]
    [InlineData("pages = 2, pgoff = 1", "AUX area")]
    public void PerfMappingsPerfMmapRefusesAreRefused(string shape, string message)
    {
        var e = Load($"{{ name = a, start = 16, {shape}, prot = rw, shared = true, file = p, driver = perf }}", "files = [ { name = p, pages = 4 } ]");
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ASecondPerfMappingOfTheSameSizeLoads()
    {
        var spec = ScenarioLoader.Parse(
            "description = \"x\"\nexpect = pass\nfiles = [ { name = p, pages = 3 } ]\n" +
            "vmas = [ { name = a, start = 16, pages = 3, prot = rw, shared = true, file = p, driver = perf }, " +
            "{ name = b, start = 32, pages = 3, prot = rw, shared = true, file = p, driver = perf } ]\n" +
            "cpus = [ { name = cpu0, program = [\"load a\", \"load b+1\", \"munmap a\"] } ]\n", "ok.conf");
        var (findings, _, first) = DriverScenarios.Explore(spec, DriverScenarios.Settings("random"), 200);
        Assert.True(findings.Count == 0, $"{first}");
    }
}

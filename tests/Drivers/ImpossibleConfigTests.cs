using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Drivers;

/// <summary>Configurations no kernel produces are refused by the loader with a message that says why.</summary>
public class ImpossibleConfigTests
{
    private static ScenarioException Load(string vmas, string files = "") =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            $"description = \"x\"\nexpect = pass\n{files}\nvmas = [ {vmas} ]\ncpus = [ {{ name = cpu0, program = [\"load a\"] }} ]\n", "bad.conf"));

    /// <summary>Shared anonymous memory is shmem: a load then a store is clean, and MADV_DONTNEED keeps the data.</summary>
    [Fact]
    public void ASharedAnonymousVmaIsShmem()
    {
        var spec = ScenarioLoader.Parse(
            "description = \"x\"\nexpect = pass\nvmas = [ { name = a, start = 16, pages = 1, prot = rw, shared = true } ]\n" +
            "cpus = [ { name = cpu0, program = [\"load a\", \"store a\", \"madvise-dontneed a\", \"load a\"] }, " +
            "{ name = cpu1, program = [\"store a\", \"load a\"] } ]\n", "shm.conf");
        var (findings, _, first) = DriverScenarios.Explore(spec, DriverScenarios.Settings("random"), 500);
        Assert.True(findings.Count == 0, $"{first}");
        var model = ScenarioRunner.BuildModel(spec, DriverScenarios.Settings("random"));
        StressVm.Runtime.Explorer.RunOne(model, new StressVm.Runtime.RandomStrategy(), 0);
        var page = Assert.Single(model.K.Files, f => f.Name == "shmem:a").Pages[0];
        Assert.NotNull(page);
        Assert.NotEqual(0, page!.Content); // the stores stayed in shmem's page cache
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

using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

/// <summary>Scenario mistakes that once reached the run as internal errors are load errors with a position.</summary>
public class LoaderGapTests
{
    [Theory]
    [InlineData("fbdefio")]
    [InlineData("dax")]
    [InlineData("filemap-faultaround")]
    public void AFileDriverWithoutAFileIsRejectedAtItsDriverKey(string driver)
    {
        string text = $"description = \"x\"\nexpect = pass\nvmas = [ {{ name = v, start = 16, pages = 1, prot = rw, shared = true, driver = {driver} }} ]\ncpus = [ {{ name = cpu0, program = [\"store v\"] }} ]\n";
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "gap.conf"));
        Assert.StartsWith("gap.conf:3:", e.Message);
        Assert.Contains($"driver '{driver}' needs a 'file'", e.Message);
    }

    [Fact]
    public void ANonPositiveSwarmSizeIsRejected()
    {
        string text = "description = \"x\"\nexpect = pass\nvmas = [ { name = v, start = 16, pages = 1, prot = rw } ]\ncpus = [ { name = cpu0, program = [] } ]\nswarm { ops-per-cpu = -1, operations = [load] }\n";
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "gap.conf"));
        Assert.StartsWith("gap.conf:5:", e.Message);
        Assert.Contains("ops-per-cpu must be at least 1", e.Message);
    }
}

using System.Text.Json;
using Xunit;

namespace StressVm.Tests.Cli;

/// <summary>
/// The runtime options the `stressvm` executable ships with (cli/runtimeconfig.template.json; why in README, "Soak,
/// minimization, sharding"): without them a pinned or one-CPU run stays on unoptimised code for seconds and two soak
/// workers stall each other on gen0 collections.
/// </summary>
public class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "stressvm.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing: the tests reference the cli project, whose build writes it");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void CallCountingStartsAtOnce() =>
        Assert.Equal(0, ConfigProperties().GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());

    [Fact]
    public void Gen0BudgetIs64MiB() =>
        Assert.Equal("0x4000000", ConfigProperties().GetProperty("GCgen0size").GetString());
}

using StressVm.Campaign.Protocol;
using StressVm.Campaign.Store;
using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using StressVm.Scenarios.Soak.Toys;
using StressVm.Tests.Soak;

namespace StressVm.Tests.Campaigns;

/// <summary>Stores, specs and toy sources for the campaign (Akka) tests.</summary>
internal static class CampaignKit
{
    public const int ChunkSize = 20;

    public static SoakOptions Options(string dir, long? maxSchedules, params string[] scenarios) => new()
    {
        StateDirectory = dir, Scenarios = scenarios, Workers = 1, ChunkSize = ChunkSize, MaxSchedules = maxSchedules, Minimize = false,
    };

    public static (CampaignStore Store, CampaignSpec Spec) Open(SoakOptions options, List<string>? warnings = null)
    {
        var store = CampaignStore.Open(options, options.Scenarios, w => { if (warnings is not null) lock (warnings) warnings.Add(w); });
        return (store, CampaignIdentity.Spec(options, options.Scenarios, new RunSettings()));
    }

    /// <summary>A chunk's result as a worker would send it (no failures).</summary>
    public static ChunkDone Done(CampaignSpec spec, Work w) => new()
    {
        CampaignId = spec.CampaignId, Scenario = w.Scenario, Chunk = w.Chunk, GlobalChunk = w.Chunk, FirstSeed = 1 + (ulong)(w.Chunk * ChunkSize),
        Schedules = w.Seeds, Steps = w.Seeds * 10,
    };

    /// <summary>The toy scenarios plus "prepare-crash": a clean counter whose PrepareRun throws on seed <paramref name="crashSeed"/>.</summary>
    public static IScenarioSource SourceWithCrash(ulong crashSeed) => new DelegateScenarioSource(
        [SoakTestKit.Clean, "prepare-crash"],
        name => name == "prepare-crash"
            ? new CrashOnSeed(new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 2, Atomic: true)), crashSeed)
            : SoakTestKit.Source.Create(name, 0));

    private sealed class CrashOnSeed(ISimulationModel inner, ulong seed) : ISimulationModel
    {
        public string Name => inner.Name;
        public ActorSystem System => inner.System;
        public Action<ActorSystem>? PrepareRun(ulong s) => s == seed ? throw new InvalidOperationException($"toy crash preparing seed {s}") : inner.PrepareRun(s);
    }
}

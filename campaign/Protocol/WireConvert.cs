using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Protocol;

/// <summary>Between the journal's records (scenarios/Soak) and the wire messages (campaign.proto).</summary>
public static class WireConvert
{
    public static ChunkDone ToWire(this ChunkCompleted c, string campaignId)
    {
        var m = new ChunkDone
        {
            CampaignId = campaignId, Scenario = c.Scenario, Chunk = c.Chunk, GlobalChunk = c.GlobalChunk, FirstSeed = c.FirstSeed,
            Schedules = c.Schedules, Steps = c.Steps, InternalErrors = c.InternalErrors,
        };
        foreach (var f in c.Failures)
            m.Failures.Add(new ChunkFailure
            {
                Signature = f.Signature, Invariant = f.Invariant, Count = f.Count, FirstSeed = f.FirstSeed, FirstStrategy = f.FirstStrategy,
                ShortestSeed = f.ShortestSeed, ShortestSteps = f.ShortestSteps, ShortestStrategy = f.ShortestStrategy,
            });
        return m;
    }

    /// <summary>The chunk's result with its coverage, as a worker sends it.</summary>
    public static ChunkDone ToWire(this ChunkRun run, string campaignId)
    {
        var m = run.Completed!.ToWire(campaignId);
        if (run.Coverage is { } c)
        {
            m.Classes.AddRange(c.Classes);
            foreach (var (a, b) in c.Pairs) { m.PairFirst.Add(a); m.PairSecond.Add(b); }
        }
        return m;
    }

    /// <summary>The chunk's coverage as the worker sent it.</summary>
    public static ChunkCoverage CoverageOf(this ChunkDone m) =>
        new(m.Classes, m.PairFirst.Zip(m.PairSecond).ToList());

    public static ChunkCompleted ToRecord(this ChunkDone m) =>
        new(m.Scenario, m.Chunk, m.GlobalChunk, m.FirstSeed, m.Schedules, m.Steps, m.InternalErrors,
            m.Failures.Select(f => new Scenarios.Soak.ChunkFailure(f.Signature, f.Invariant, f.Count, f.FirstSeed, f.FirstStrategy,
                f.ShortestSeed, f.ShortestSteps, f.ShortestStrategy)).ToList());

    public static FailureDiscovered ToWire(this FailureFound f, string campaignId) => new()
    {
        CampaignId = campaignId, Scenario = f.Scenario, Signature = f.Signature, Invariant = f.Invariant, Seed = f.Seed,
        Strategy = f.Strategy, Steps = f.Steps, Detail = f.Detail, Tail = f.Tail, Recipe = f.Recipe ?? "",
    };

    public static FailureFound ToRecord(this FailureDiscovered m) =>
        new(m.Scenario, m.Signature, m.Invariant, m.Seed, m.Strategy, m.Steps, m.Detail, m.Tail, m.Recipe.Length > 0 ? m.Recipe : null);

    public static InternalErrorSeen ToWire(this InternalErrorFound e, string campaignId) => new()
    {
        CampaignId = campaignId, Scenario = e.Scenario, Seed = e.Seed, Strategy = e.Strategy, Error = e.Error,
    };

    public static InternalErrorFound ToRecord(this InternalErrorSeen m) => new(m.Scenario, m.Seed, m.Strategy, m.Error);
}

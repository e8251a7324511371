using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

/// <summary>
/// A soak runs untraced and re-runs a failing seed traced for its signature (or traces every run where a quarter of
/// the last chunk failed): either way a chunk tallies exactly the signatures, counts and first seeds of runs traced
/// throughout, and reports no internal error.
/// </summary>
public class TracedRerunTests
{
    private sealed class Host : ISoakWorkerHost
    {
        public readonly List<InternalErrorFound> Errors = new();
        public bool StopRequested => false;
        public void Discovered(FailureFound failure) { }
        public void InternalError(InternalErrorFound error) => Errors.Add(error);
        public void Warn(string message) => throw new InvalidOperationException(message);
    }

    private const int ChunkSize = 400;

    /// <summary>Signature -> (count, first seed) of seeds [first, first + ChunkSize), every run traced.</summary>
    private static Dictionary<string, (long Count, ulong First)> TracedThroughout(string scenario, RunSettings settings, ulong first)
    {
        var model = ScenarioRunner.BuildModel(ScenarioCatalog.LoadBuiltin(scenario), settings, recordTrace: true);
        int k = Explorer.EstimateSteps(model);
        var portfolio = StrategyPortfolio.Default;
        var strategies = portfolio.Entries.Select(e => e.Resolve(() => k).Create()).ToArray();
        var signature = new FailureSignature();
        var tally = new Dictionary<string, (long Count, ulong First)>(StringComparer.Ordinal);
        for (ulong seed = first; seed < first + ChunkSize; seed++)
        {
            var r = Explorer.RunOne(model, strategies[portfolio.IndexFor(seed)], seed);
            if (!r.IsBug) continue;
            string sig = signature.Compute(r, model.System.Trace);
            tally[sig] = tally.TryGetValue(sig, out var t) ? (t.Count + 1, t.First) : (1, seed);
        }
        return tally;
    }

    [Theory]
    [InlineData("mixed", "madvise-flush-own-range-only", false)] // a few runs fail: re-runs throughout
    [InlineData("perf-mmap-mixedmap", null, true)]              // nearly every run fails: the second chunk traces every run
    public void ChunksTallyWhatRunsTracedThroughoutTally(string scenario, string? knob, bool mostFail)
    {
        var settings = knob is null ? new RunSettings() : new RunSettings { KnobOverrides = new Dictionary<string, bool> { [knob] = true } };
        var options = new SoakOptions { StateDirectory = "unused", Scenarios = [scenario], ChunkSize = ChunkSize, Coverage = true };
        var space = new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard);
        var host = new Host();
        var worker = new SoakWorker(options, space, KernelScenarioSource.Create(settings), 0, host);
        for (long chunk = 0; chunk < 2; chunk++)
        {
            bool tracedEveryRun = worker.TracesEveryRun(scenario);
            Assert.Equal(chunk == 1 && mostFail, tracedEveryRun);
            var run = worker.RunChunk(scenario, chunk, ChunkSize);
            var record = Assert.IsType<ChunkCompleted>(run.Completed);
            var expected = TracedThroughout(scenario, settings, space.FirstSeed(chunk));
            Assert.NotEmpty(expected);
            var got = record.Failures.ToDictionary(f => f.Signature, f => (f.Count, f.FirstSeed), StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(e => e.Key), got.OrderBy(e => e.Key));
            Assert.Equal(0, record.InternalErrors);
        }
        Assert.Empty(host.Errors);
        Assert.Equal(mostFail, worker.TracesEveryRun(scenario));
    }
}

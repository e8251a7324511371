using System.Diagnostics;
using StressVm.Campaign;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Bench;

/// <summary>
/// `stressvm bench soak`: the soak campaign (the Akka.NET coordinator and worker actors of `stressvm soak`) against a
/// plain pool of threads that runs the same <see cref="SoakWorker"/> on the same chunks and journals each chunk as the
/// pre-Akka pool did (a8b78d7's SoakRunner). One process, one model, side by side and alternating: the figure is what
/// the campaign layer itself costs, with the engine held equal.
/// </summary>
internal static class SoakBench
{
    /// <summary>One timed case: <paramref name="Runner"/> is "pool" or "campaign".</summary>
    public sealed record Row(int Round, int Workers, string Runner, long Schedules, double Seconds)
    {
        public double SchedulesPerSecond => Seconds > 0 ? Schedules / Seconds : 0;
    }

    public static List<Row> Run(IScenarioSource source, RunSettings settings, IReadOnlyList<string> scenarios, IReadOnlyList<int> workers,
        TimeSpan each, int rounds, bool coverage, Action<string>? log)
    {
        var rows = new List<Row>();
        // Warm-up (not reported): both runners' code JIT-compiled and tiered before the first timed case.
        foreach (var runner in new[] { "pool", "campaign" })
            Case(source, settings, scenarios, workers[0], TimeSpan.FromSeconds(Math.Min(3, each.TotalSeconds)), coverage, runner, 0);
        for (int round = 1; round <= rounds; round++)
            foreach (int w in workers)
            {
                // Alternate which goes first: a drift in the machine's speed then falls on both in turn.
                var order = round % 2 == 1 ? new[] { "pool", "campaign" } : new[] { "campaign", "pool" };
                foreach (var runner in order)
                {
                    var row = Case(source, settings, scenarios, w, each, coverage, runner, round);
                    rows.Add(row);
                    log?.Invoke($"round {round}, {w} worker(s), {runner,-8}: {row.Schedules,10:N0} schedules in {row.Seconds,5:0.0} s = {row.SchedulesPerSecond,8:N0}/s (load {LoadAverage()})");
                }
            }
        return rows;
    }

    private static Row Case(IScenarioSource source, RunSettings settings, IReadOnlyList<string> scenarios, int workers, TimeSpan each,
        bool coverage, string runner, int round)
    {
        string state = Path.Combine(Path.GetTempPath(), $"stressvm-bench-soak-{Environment.ProcessId}-{round}-{workers}-{runner}");
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        var options = new SoakOptions
        {
            Scenarios = scenarios, Duration = each, Workers = workers, StateDirectory = state, Minimize = false, Coverage = coverage,
        };
        try
        {
            if (runner == "pool") return Pool(source, options, round);
            var summary = new CampaignRunner(source, options, _ => { }, settings).Run();
            return new Row(round, workers, runner, summary.Schedules, summary.Elapsed.TotalSeconds);
        }
        finally
        {
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>The pre-Akka pool: N threads claim chunks in scenario rotation from a shared counter, run them, journal each.</summary>
    private static Row Pool(IScenarioSource source, SoakOptions options, int round)
    {
        Directory.CreateDirectory(options.StateDirectory);
        using var journal = new ResilientJournal(JournalFile.OpenForAppend(options.StateDirectory, _ => { }), _ => { });
        var space = new SeedSpace(options.BaseSeed, options.ChunkSize, options.Shard);
        var host = new PoolHost();
        long claims = -1;
        var engines = Enumerable.Range(0, options.Workers).Select(i => new SoakWorker(options, space, source, i, host)).ToArray();
        var threads = engines.Select(engine => new Thread(() =>
        {
            while (!host.StopRequested)
            {
                long n = Interlocked.Increment(ref claims);
                string scenario = options.Scenarios[(int)(n % options.Scenarios.Count)];
                var run = engine.RunChunk(scenario, n / options.Scenarios.Count, options.ChunkSize);
                if (run.Completed is { } done) journal.Append(done);
            }
        }) { Name = $"bench-pool-{engine.Index}", IsBackground = true }).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (var t in threads) t.Start();
        threads[0].Join(options.Duration!.Value);
        host.Stop();
        foreach (var t in threads) t.Join();
        clock.Stop();
        return new Row(round, options.Workers, "pool", engines.Sum(e => e.Schedules), clock.Elapsed.TotalSeconds);
    }

    private sealed class PoolHost : ISoakWorkerHost
    {
        private volatile bool _stop;
        public bool StopRequested => _stop;
        public void Stop() => _stop = true;
        public void Discovered(FailureFound failure) { }
        public void InternalError(InternalErrorFound error) { }
        public void Warn(string message) { }
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}

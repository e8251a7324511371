using StressVm.Runtime;
using StressVm.Scenarios.Soak;
using StressVm.Scenarios.Soak.Toys;

namespace StressVm.Tests.Soak;

/// <summary>Temp state directories, toy scenario sources and quick soak runs for the soak tests.</summary>
internal static class SoakTestKit
{
    public const string OneBug = "lost-update-2x1";
    public const string OtherBug = "publish-before-init";
    public const string Crashing = "crashing";
    public const string Clean = "counter-ok";

    public static IScenarioSource Source { get; } = new DelegateScenarioSource(
        [OneBug, OtherBug, Crashing, Clean],
        name => name switch
        {
            OneBug => new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 1)),
            OtherBug => new PublishBeforeInitModel(name),
            Crashing => new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 1, Atomic: true, CrashOneIn: 8)),
            Clean => new LostUpdateModel(name, new LostUpdateOptions(Clients: 2, Increments: 2, Atomic: true)),
            _ => throw new ArgumentException(name),
        });

    public static string NewStateDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "stressvm-soak-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static SoakOptions Options(string dir, params string[] scenarios) => new()
    {
        StateDirectory = dir,
        Scenarios = scenarios,
        Workers = 2,
        ChunkSize = 50,
        MaxSchedules = 1000,
    };

    public static (SoakSummary Summary, List<string> Warnings) Run(SoakOptions options, CancellationToken cancel = default,
        StressVm.Campaign.Progress.IProgressView? view = null)
    {
        var warnings = new List<string>();
        var runner = new StressVm.Campaign.CampaignRunner(Source, options, w => { lock (warnings) warnings.Add(w); });
        if (view is not null) runner.Display = (view, TimeSpan.FromMilliseconds(20));
        return (runner.Run(cancel), warnings);
    }

    /// <summary>A progress view that cancels once the coordinator has counted a finished chunk: a stop mid-run that
    /// waits for work, not for a wall-clock timer a loaded CI machine can outrun.</summary>
    public sealed class CancelAfterFirstChunk(CancellationTokenSource cancel) : StressVm.Campaign.Progress.IProgressView
    {
        public void Show(SoakProgress progress)
        {
            if (progress.Schedules > 0) cancel.Cancel();
        }
    }

    public static List<T> Records<T>(string dir) where T : SoakRecord =>
        JournalFile.ReadAll(dir, _ => { }).OfType<T>().ToList();

    /// <summary>The first seed of <paramref name="scenario"/> that fails under a random walk.</summary>
    public static ulong FirstFailingSeed(ISimulationModel model, ulong from = 1)
    {
        var strategy = new RandomStrategy();
        for (ulong s = from; s < from + 10_000; s++)
            if (Explorer.RunOne(model, strategy, s).IsBug) return s;
        throw new InvalidOperationException("no failing seed");
    }
}

using System.Globalization;

namespace StressVm.Runtime;

/// <summary>
/// Shrinks a failing schedule by delta debugging (Zeller's ddmin, complement steps): it removes chunks of
/// recorded choices, replays each candidate leniently (choices that no longer apply are skipped, and a
/// schedule that runs out steps the lowest-numbered enabled actor), and keeps a candidate when the run still
/// fails the same invariant in fewer steps (or as many steps and fewer choices). What it keeps is the
/// schedule the candidate run actually recorded, so it always replays strictly. When the model is an
/// <see cref="IShrinkableModel"/>, program operations are dropped the same way first. The result is
/// verified by a strict replay. Runs on the calling thread, on the model's own system.
/// </summary>
public static class ScheduleMinimizer
{
    /// <summary>Header key listing the dropped program operations, comma-separated.</summary>
    public const string DroppedOperationsKey = "dropped-operations";

    public static MinimizationResult Minimize(ISimulationModel model, ulong seed, Schedule failing, MinimizerOptions? options = null)
    {
        options ??= MinimizerOptions.Default;
        var shrinkable = model as IShrinkableModel;
        var droppedBefore = shrinkable?.DroppedOperations;
        try
        {
            return MinimizeCore(model, shrinkable, seed, failing, options);
        }
        finally
        {
            // The model goes back to running whole programs: a soak worker keeps using it.
            if (shrinkable is not null) shrinkable.DroppedOperations = droppedBefore!;
        }
    }

    private static MinimizationResult MinimizeCore(ISimulationModel model, IShrinkableModel? shrinkable, ulong seed, Schedule failing, MinimizerOptions options)
    {
        var dropped = new SortedSet<int>(ParseDropped(failing.Get(DroppedOperationsKey)));
        if (shrinkable is not null) shrinkable.DroppedOperations = dropped;

        var (original, recorded) = Replay(model, seed, failing, strict: true);
        if (!original.IsBug)
            throw new ArgumentException($"the schedule does not fail: {original}", nameof(failing));
        string target = original.FindingName!;
        var search = new Search(model, seed, target, options.MaxReplays, original, recorded.Choices);

        if (shrinkable is not null)
        {
            dropped = search.DropOperations(shrinkable, dropped);
            shrinkable.DroppedOperations = dropped;
        }
        search.ShrinkChoices();

        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in failing.Header) header[k] = v;
        header["minimized-from-steps"] = original.Steps.ToString(CultureInfo.InvariantCulture);
        header["steps"] = search.Best.Steps.ToString(CultureInfo.InvariantCulture);
        header["invariant"] = target;
        if (dropped.Count > 0) header[DroppedOperationsKey] = string.Join(",", dropped);
        else header.Remove(DroppedOperationsKey);
        var minimal = new Schedule(search.BestChoices, header);

        var (check, _) = Replay(model, seed, minimal, strict: true);
        bool verified = check.FindingName == target && check.Steps == search.Best.Steps && check.Fingerprint == search.Best.Fingerprint;
        var lines = model.System.Trace.Lines();
        return new MinimizationResult(minimal, original, check, search.Replays + 2, verified, dropped.ToList(), lines);
    }

    /// <summary>Replays <paramref name="schedule"/> for <paramref name="seed"/>; returns the verdict and the choices the run made.</summary>
    public static (RunResult Result, Schedule Recorded) Replay(ISimulationModel model, ulong seed, Schedule schedule, bool strict)
    {
        var start = model.PrepareRun(seed);
        var strategy = new ReplayStrategy(schedule, strict, model.System.NameOf);
        var r = model.System.Run(strategy, seed, start);
        return (r, model.System.RecordedSchedule());
    }

    /// <summary>Reads the dropped operations from a schedule's header ("3,7,9"); empty when absent.</summary>
    public static IReadOnlyList<int> ParseDropped(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();

    private sealed class Search(ISimulationModel model, ulong seed, string target, int maxReplays, RunResult best, IReadOnlyList<Choice> bestChoices)
    {
        public RunResult Best { get; private set; } = best;
        public IReadOnlyList<Choice> BestChoices { get; private set; } = bestChoices;
        public int Replays { get; private set; }

        private bool OutOfBudget => Replays >= maxReplays;

        /// <summary>ddmin over the recorded choices.</summary>
        public void ShrinkChoices()
        {
            int n = 2;
            while (BestChoices.Count >= 1 && !OutOfBudget)
            {
                int count = BestChoices.Count;
                n = Math.Min(n, count);
                int chunk = (count + n - 1) / n;
                bool reduced = false;
                for (int start = 0; start < count && !OutOfBudget; start += chunk)
                {
                    var candidate = BestChoices.Take(start).Concat(BestChoices.Skip(start + chunk)).ToList();
                    if (TryChoices(candidate))
                    {
                        n = Math.Max(n - 1, 2);
                        reduced = true;
                        break;
                    }
                }
                if (reduced) continue;
                if (chunk <= 1) break;
                n = Math.Min(n * 2, count);
            }
        }

        /// <summary>ddmin over the program's operations, replaying the current schedule leniently.</summary>
        public SortedSet<int> DropOperations(IShrinkableModel m, SortedSet<int> dropped)
        {
            var kept = Enumerable.Range(0, m.OperationCount(seed)).Where(i => !dropped.Contains(i)).ToList();
            int n = 2;
            while (kept.Count >= 1 && !OutOfBudget)
            {
                n = Math.Min(n, kept.Count);
                int chunk = (kept.Count + n - 1) / n;
                bool reduced = false;
                for (int start = 0; start < kept.Count && !OutOfBudget; start += chunk)
                {
                    var candidate = new SortedSet<int>(dropped);
                    candidate.UnionWith(kept.Skip(start).Take(chunk));
                    m.DroppedOperations = candidate;
                    var (r, rec) = Run(BestChoices);
                    if (r.FindingName == target && r.Steps <= Best.Steps)
                    {
                        Accept(r, rec.Choices);
                        dropped = candidate;
                        kept = kept.Take(start).Concat(kept.Skip(start + chunk)).ToList();
                        n = Math.Max(n - 1, 2);
                        reduced = true;
                        break;
                    }
                }
                if (reduced) continue;
                if (chunk <= 1) break;
                n = Math.Min(n * 2, kept.Count);
            }
            m.DroppedOperations = dropped;
            return dropped;
        }

        private bool TryChoices(List<Choice> candidate)
        {
            var (r, rec) = Run(candidate);
            if (r.FindingName != target) return false;
            bool better = r.Steps < Best.Steps || (r.Steps == Best.Steps && rec.Choices.Count < BestChoices.Count);
            if (better) Accept(r, rec.Choices);
            return better;
        }

        private (RunResult, Schedule) Run(IReadOnlyList<Choice> choices)
        {
            Replays++;
            var schedule = new Schedule(choices, new Dictionary<string, string>());
            return Replay(model, seed, schedule, strict: false);
        }

        private void Accept(RunResult r, IReadOnlyList<Choice> choices)
        {
            Best = r;
            BestChoices = choices;
        }
    }
}

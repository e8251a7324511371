using StressVm.Runtime;
using StressVm.Scenarios.Minimize;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// What one call of <see cref="SoakWorker.RunChunk"/> did: the chunk's record and its coverage when every seed ran,
/// and what it ran either way.
/// </summary>
public readonly record struct ChunkRun(ChunkCompleted? Completed, long Schedules, long Steps, ChunkCoverage? Coverage = null);

/// <summary>One chunk's coverage: the distinct class hashes of its runs and the conflicting pairs they showed (for the coordinator's <see cref="SoakCoverage"/>).</summary>
public sealed record ChunkCoverage(IReadOnlyCollection<ulong> Classes, IReadOnlyCollection<(ulong First, ulong Second)> Pairs);

/// <summary>A minimized schedule of a new failure, verified by strict replay when <see cref="Verified"/>; the coordinator saves it.</summary>
public sealed record MinimizationOutcome(FailureFound Failure, Schedule Schedule, int OriginalSteps, int Steps, bool Verified);

/// <summary>
/// One soak worker's engine: owns its models (one per scenario, never shared between threads), runs every seed of
/// a chunk as a whole simulation under the seed's portfolio strategy, tallies failures by signature and returns the
/// chunk's record when all its seeds ran. Knows nothing of who hands out chunks (the campaign's worker actor does).
/// </summary>
public sealed class SoakWorker(SoakOptions options, SeedSpace space, IScenarioSource source, int index, ISoakWorkerHost host)
{
    private readonly Dictionary<string, ScenarioSlot> _slots = new(StringComparer.Ordinal);
    private readonly FailureSignature _signature = new(options.SignatureDepth);
    private readonly ChunkTally _tally = new();
    private readonly HashSet<(string, string)> _known = new();
    private long _schedules, _steps, _internalErrors;

    public int Index { get; } = index;
    public long Schedules => Volatile.Read(ref _schedules);
    public long Steps => Volatile.Read(ref _steps);
    public long InternalErrors => Volatile.Read(ref _internalErrors);

    private ScenarioSlot Slot(string scenario)
    {
        if (!_slots.TryGetValue(scenario, out var slot))
            _slots[scenario] = slot = new ScenarioSlot(scenario, source.Create(scenario, Index), options.Portfolio);
        return slot;
    }

    /// <summary>Whether this worker's next chunk of <paramref name="scenario"/> records every run (see <see cref="ScenarioSlot.TraceEveryRun"/>).</summary>
    internal bool TracesEveryRun(string scenario) => Slot(scenario).TraceEveryRun;

    /// <summary>
    /// Runs the first <paramref name="seeds"/> seeds of <paramref name="chunk"/>; a seed in <paramref name="skip"/> (it
    /// crashed a worker twice) is counted as an internal error without running. The chunk is complete only when all
    /// of its seeds ran; a stop or a partial grant (the schedule budget) leaves it incomplete.
    /// Throws <see cref="SeedCrashException"/> when a run throws outside the runtime's catch.
    /// </summary>
    public ChunkRun RunChunk(string scenario, long chunk, int seeds, IReadOnlySet<ulong>? skip = null)
    {
        var slot = Slot(scenario);
        var system = slot.Model.System;
        // Signatures read a failing run's trace, but recording every run costs a passing one a third of its speed
        // (the model formats its span details only when recording): runs go untraced and a failing seed is run again
        // traced, the same run by determinism. A model built without recording (the source's choice) stays so.
        bool recorded = system.RecordTrace;
        if (recorded) system.RecordTrace = slot.TraceEveryRun;
        try
        {
            return RunSeeds(slot, scenario, chunk, seeds, skip);
        }
        finally
        {
            system.Observer = null; // minimization and trace re-runs need no step log
            system.RecordTrace = recorded;
            slot.TraceEveryRun = recorded && _tally.Schedules > 0 && _tally.FailingRuns * 4 >= _tally.Schedules;
        }
    }

    private ChunkRun RunSeeds(ScenarioSlot slot, string scenario, long chunk, int seeds, IReadOnlySet<ulong>? skip)
    {
        var portfolio = options.Portfolio;
        ulong first = space.FirstSeed(chunk);
        _tally.Clear();
        // A tracker per chunk: its class set stays as small as the chunk (the coordinator's counter is the bounded one).
        var coverage = options.Coverage ? new CoverageTracker() : null;
        var classes = new HashSet<ulong>();
        slot.Model.System.Observer = coverage?.Log;
        bool complete = seeds == options.ChunkSize;
        bool untraced = !slot.Model.System.RecordTrace;
        for (int i = 0; i < seeds; i++)
        {
            if (host.StopRequested) { complete = false; break; }
            if (untraced) slot.Model.System.RecordTrace = false; // after a traced re-run
            ulong seed = first + (ulong)i;
            int p = portfolio.IndexFor(seed);
            _tally.Schedules++;
            Volatile.Write(ref _schedules, _schedules + 1);
            if (skip is not null && skip.Contains(seed))
            {
                _tally.InternalErrors++;
                Volatile.Write(ref _internalErrors, _internalErrors + 1);
                continue;
            }
            RunResult r;
            try
            {
                r = Explorer.RunOne(slot.Model, slot.Strategies[p], seed);
                if (coverage is not null)
                {
                    coverage.AfterRun();
                    classes.Add(coverage.LastClass);
                }
                if (r.IsBug && untraced) r = RunAgainTraced(slot, p, seed, r);
            }
            catch (Exception e)
            {
                // PrepareRun threw (ActorSystem.Run turns a throw inside the run into InternalError itself): the
                // model may be left half set up, so the worker is restarted with fresh models and the seed tried once more.
                throw new SeedCrashException(scenario, chunk, seed, slot.SpecTexts[p], source.Recipe(scenario, seed, slot.Specs[p]).ToText(), e);
            }
            _tally.Steps += r.Steps;
            Volatile.Write(ref _steps, _steps + r.Steps);
            if (r.Outcome is Outcome.InternalError or Outcome.ReplayDiverged)
            {
                _tally.InternalErrors++;
                Volatile.Write(ref _internalErrors, _internalErrors + 1);
                host.InternalError(new InternalErrorFound(scenario, seed, slot.SpecTexts[p], r.Error ?? r.Outcome.ToString()));
                continue;
            }
            if (!r.IsBug) continue;
            var trace = slot.Model.System.Trace;
            string signature = _signature.Compute(r, trace);
            string invariant = r.FindingName!;
            _tally.AddFailure(signature, invariant, seed, r.Steps, slot.SpecTexts[p]);
            if (_known.Add((scenario, signature)))
                host.Discovered(new FailureFound(scenario, signature, invariant, seed, slot.SpecTexts[p], r.Steps,
                    r.ToString(), _signature.Describe(r, trace), source.Recipe(scenario, seed, slot.Specs[p]).ToText()));
        }
        if (!complete) return new ChunkRun(null, _tally.Schedules, _tally.Steps);
        var record = new ChunkCompleted(scenario, chunk, options.Shard.GlobalChunk(chunk), first,
            _tally.Schedules, _tally.Steps, _tally.InternalErrors, _tally.Failures());
        return new ChunkRun(record, _tally.Schedules, _tally.Steps, coverage is null ? null : new ChunkCoverage(classes, coverage.OrderedPairs.ToList()));
    }

    /// <summary>
    /// Runs a failing seed again with the trace recorded, for its signature (recording stays on until the next seed:
    /// the trace reads nothing while off); the coverage tracker, which saw the first run, sees nothing. A re-run that is
    /// not the same run (outcome, steps, fingerprint) is an internal error: the model would depend on being traced.
    /// </summary>
    private RunResult RunAgainTraced(ScenarioSlot slot, int p, ulong seed, RunResult untraced)
    {
        var system = slot.Model.System;
        var observer = system.Observer;
        system.Observer = null;
        system.RecordTrace = true;
        RunResult traced;
        try
        {
            traced = Explorer.RunOne(slot.Model, slot.Strategies[p], seed);
        }
        finally
        {
            system.Observer = observer;
        }
        if (traced.Outcome == untraced.Outcome && traced.Steps == untraced.Steps && traced.Fingerprint == untraced.Fingerprint)
            return traced;
        return new RunResult(Outcome.InternalError, seed, untraced.Strategy, untraced.Steps, untraced.Fingerprint, null, null,
            $"the seed's traced re-run is not the same run (untraced: {untraced}; traced: {traced}): the model depends on being traced");
    }

    /// <summary>Shrinks the first failing run of a new signature; null (with a warning) when minimization fails.</summary>
    public MinimizationOutcome? Minimize(FailureFound f)
    {
        try
        {
            var slot = Slot(f.Scenario);
            var recipe = f.Recipe is { } text ? Recipe.Parse(text) : source.Recipe(f.Scenario, f.Seed, StrategySpec.Parse(f.Strategy));
            var m = FailureMinimizer.FromSeed(slot.Model, recipe, options.Minimizer);
            var header = new Dictionary<string, string>(m.Schedule.Header, StringComparer.Ordinal) { [Recipe.Header.Signature] = f.Signature };
            return new MinimizationOutcome(f, new Schedule(m.Schedule.Choices, header), m.Original.Steps, m.Minimized.Steps, m.Verified);
        }
        catch (Exception e)
        {
            host.Warn($"{f.Scenario} {f.Signature}: minimization of seed {f.Seed} failed: {e.Message}");
            return null;
        }
    }

    /// <summary>Where a minimized schedule of <paramref name="f"/> goes, relative to the state directory.</summary>
    public static string ScheduleFile(string scenario, string signature) => Path.Combine("schedules", $"{scenario}-{signature}.schedule");
}

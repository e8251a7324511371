using StressVm.Runtime;
using StressVm.Scenarios.Minimize;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// One worker thread of a soak: owns its models (one per scenario, never shared), claims chunks, runs every
/// seed of a chunk, tallies failures by signature and reports the chunk when all its seeds ran.
/// </summary>
internal sealed class SoakWorker(SoakRunner runner, IScenarioSource source, int index)
{
    private readonly Dictionary<string, ScenarioSlot> _slots = new(StringComparer.Ordinal);
    private readonly FailureSignature _signature = new(runner.Options.SignatureDepth);
    private readonly ChunkTally _tally = new();
    private readonly HashSet<(string, string)> _known = new();
    private long _schedules, _steps, _internalErrors;

    public int Index { get; } = index;
    public long Schedules => Volatile.Read(ref _schedules);
    public long Steps => Volatile.Read(ref _steps);
    public long InternalErrors => Volatile.Read(ref _internalErrors);
    public bool Failed { get; private set; }

    public void Run()
    {
        int consecutiveFailures = 0;
        while (!runner.StopRequested)
        {
            try
            {
                while (runner.TryTakeMinimization(out var f) && !runner.StopRequested) Minimize(f);
                var claim = runner.Claim();
                if (claim is null)
                {
                    while (!runner.StopRequested && runner.TryTakeMinimization(out var last)) Minimize(last);
                    break;
                }
                RunChunk(claim.Value.Scenario, claim.Value.Chunk, claim.Value.Seeds);
                consecutiveFailures = 0;
            }
            catch (Exception e)
            {
                runner.Warn($"worker {Index}: {e.GetType().Name}: {e.Message}");
                if (++consecutiveFailures >= 3)
                {
                    runner.Warn($"worker {Index} stops after {consecutiveFailures} failures in a row");
                    Failed = true;
                    runner.RequestStop(SoakStopReason.WorkerFailed);
                    return;
                }
            }
        }
    }

    private ScenarioSlot Slot(string scenario)
    {
        if (!_slots.TryGetValue(scenario, out var slot))
            _slots[scenario] = slot = new ScenarioSlot(scenario, source.Create(scenario, Index), runner.Options.Portfolio);
        return slot;
    }

    private void RunChunk(string scenario, long chunk, int seeds)
    {
        var slot = Slot(scenario);
        var ledger = runner.State.Ledger(scenario);
        var portfolio = runner.Options.Portfolio;
        ulong first = runner.Space.FirstSeed(chunk);
        _tally.Clear();
        bool complete = seeds == runner.Options.ChunkSize;
        for (int i = 0; i < seeds; i++)
        {
            if (runner.StopRequested) { complete = false; break; }
            ulong seed = first + (ulong)i;
            int p = portfolio.IndexFor(seed);
            var r = RunSeed(slot.Model, slot.Strategies[p], seed);
            _tally.Schedules++;
            _tally.Steps += r.Steps;
            Volatile.Write(ref _schedules, _schedules + 1);
            Volatile.Write(ref _steps, _steps + r.Steps);
            if (r.Outcome is Outcome.InternalError or Outcome.ReplayDiverged)
            {
                _tally.InternalErrors++;
                Volatile.Write(ref _internalErrors, _internalErrors + 1);
                runner.InternalError(new InternalErrorFound(scenario, seed, slot.SpecTexts[p], r.Error ?? r.Outcome.ToString()));
                continue;
            }
            if (!r.IsBug) continue;
            var trace = slot.Model.System.Trace;
            string signature = _signature.Compute(r, trace);
            string invariant = r.FindingName!;
            _tally.AddFailure(signature, invariant, seed, r.Steps, slot.SpecTexts[p]);
            if (_known.Add((scenario, signature)))
                runner.Discovered(new FailureFound(scenario, signature, invariant, seed, slot.SpecTexts[p], r.Steps,
                    r.ToString(), _signature.Describe(r, trace), source.Recipe(scenario, seed, slot.Specs[p]).ToText()));
        }
        if (!complete)
        {
            ledger.Release(chunk);
            return;
        }
        runner.ChunkDone(new ChunkCompleted(scenario, chunk, runner.Options.Shard.GlobalChunk(chunk), first,
            _tally.Schedules, _tally.Steps, _tally.InternalErrors, _tally.Failures()));
    }

    private static RunResult RunSeed(ISimulationModel model, ISchedulingStrategy strategy, ulong seed)
    {
        try
        {
            return Explorer.RunOne(model, strategy, seed);
        }
        catch (Exception e)
        {
            // PrepareRun threw (ActorSystem.Run turns a throw inside the run into InternalError itself).
            return new RunResult(Outcome.InternalError, seed, strategy.Name, 0, 0, Error: $"preparing the run: {e}");
        }
    }

    private void Minimize(FailureFound f)
    {
        if (runner.State.IsMinimized(f.Scenario, f.Signature)) return;
        try
        {
            var slot = Slot(f.Scenario);
            var recipe = f.Recipe is { } text ? Recipe.Parse(text) : source.Recipe(f.Scenario, f.Seed, StrategySpec.Parse(f.Strategy));
            var m = FailureMinimizer.FromSeed(slot.Model, recipe, runner.Options.Minimizer);
            var header = new Dictionary<string, string>(m.Schedule.Header, StringComparer.Ordinal) { [Recipe.Header.Signature] = f.Signature };
            var schedule = new Schedule(m.Schedule.Choices, header);
            string relative = Path.Combine("schedules", $"{f.Scenario}-{f.Signature}.schedule");
            FailureMinimizer.SaveAtomically(schedule, Path.Combine(runner.Options.StateDirectory, relative));
            var record = new ScheduleMinimized(f.Scenario, f.Signature, f.Invariant, f.Seed, relative, m.Original.Steps, m.Minimized.Steps, m.Verified);
            runner.Journal.Append(record);
            runner.State.Apply(record);
            if (!m.Verified) runner.Warn($"{f.Scenario} {f.Signature}: the minimized schedule did not replay identically");
        }
        catch (Exception e)
        {
            runner.Warn($"{f.Scenario} {f.Signature}: minimization of seed {f.Seed} failed: {e.Message}");
        }
    }
}

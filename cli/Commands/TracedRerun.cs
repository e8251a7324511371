using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// For `run`: campaigns run with trace recording off (speed), so a run chosen for export (every failing one,
/// a sampled share of the passing ones) is run again, same seed and strategy, on a second model that records;
/// determinism makes it the same run. The first failing run also goes to --trace-out, if given.
/// </summary>
internal sealed class TracedRerun(ScenarioSpec spec, Scenarios.RunSettings s, ISchedulingStrategy strategy, TelemetrySession session, string? traceOut)
{
    private KernelModel? _model;
    private ISchedulingStrategy? _strategy;
    private string? _traceOut = traceOut;

    public void Offer(RunResult r)
    {
        bool wantFile = _traceOut is not null && r.IsBug;
        bool wantExport = session.Options.Enabled && TraceSampler.ShouldExport(r, session.Options.SampleShare);
        if (!wantFile && !wantExport)
        {
            session.Metrics.RecordRun(spec.Name, r);
            return;
        }
        _model ??= ScenarioRunner.BuildModel(spec, s, recordTrace: true);
        _strategy ??= new StrategySpec(s.Strategy, s.PctDepth, strategy is PctStrategy p ? p.ExpectedSteps : 100).Create();
        var again = Explorer.RunOne(_model, _strategy, r.Seed);
        string command = $"stressvm replay {ScenarioCatalog.CommandLineName(spec)} --seed {r.Seed} --strategy {s.Strategy}" +
                         (s.Strategy == "pct" ? $" --pct-depth {s.PctDepth} --pct-steps {((PctStrategy)_strategy).ExpectedSteps}" : "") +
                         s.OverrideArguments();
        TelemetryCliOptions.ExportRun(session, spec.Name, _strategy.Name, again, _model.System.Trace, command, wantFile ? _traceOut : null, Console.Error);
        if (wantFile) _traceOut = null;
    }
}

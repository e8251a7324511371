using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Telemetry;

namespace StressVm.Cli;

/// <summary>
/// For `run`: campaigns run with trace recording off (speed), so a run chosen for export (every failing one,
/// a sampled share of the passing ones) is run again, same seed and strategy, on a second model that records;
/// determinism makes it the same run. The first failing run also goes to --trace-out, if given. The trace id
/// and the replay command come from the run's recipe.
/// </summary>
internal sealed class TracedRerun(ScenarioSpec spec, Scenarios.RunSettings s, Recipe recipe, TelemetrySession session, string? traceOut, TextWriter err)
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
        _strategy ??= recipe.Strategy.Create();
        var again = Explorer.RunOne(_model, _strategy, r.Seed);
        string? file = wantFile ? _traceOut : null;
        if (TelemetryCliOptions.ExportRun(session, spec.Name, recipe.WithSeed(r.Seed), again, _model.System.Trace, file, err) != 0 && file is not null)
            err.WriteLine("stressvm run: the trace file was checked before the run but could not be written; the run goes on");
        if (wantFile) _traceOut = null;
    }
}

namespace StressVm.Runtime;

/// <summary>
/// Replays a recorded <see cref="Schedule"/>. Strict (the default) reports the first mismatch precisely
/// ("seed 7, step N: choice 12 picks cpu1 (actor 3), which is not enabled; enabled: cpu0, mm"); lenient, used by minimization,
/// skips recorded actor choices that are not enabled and, once the schedule runs out, steps the
/// lowest-numbered enabled actor and draws value 0, so that any edit of a schedule still runs.
/// </summary>
public sealed class ReplayStrategy : ISchedulingStrategy
{
    private readonly Choice[] _choices;
    private readonly bool _strict;
    private readonly Func<int, string> _nameOf;
    private int _next;
    private ulong _seed;

    public ReplayStrategy(Schedule schedule, bool strict = true, Func<int, string>? nameOf = null)
    {
        _choices = schedule.Choices.ToArray();
        _strict = strict;
        _nameOf = nameOf ?? (id => $"#{id}");
    }

    public string Name => _strict ? "replay" : "replay-lenient";

    /// <summary>How many recorded choices the run used.</summary>
    public int Consumed => _next;

    public void Prepare(ulong seed) => (_next, _seed) = (0, seed);

    public int NextActor(ReadOnlySpan<int> enabled, int step)
    {
        while (_next < _choices.Length)
        {
            var c = _choices[_next++];
            if (c.Kind != ChoiceKind.Actor)
            {
                if (_strict) throw Diverged(step, $"the schedule has a value choice (V {c.Value} {c.Bound}) where the run asks which actor steps");
                continue;
            }
            if (enabled.Contains(c.Value)) return c.Value;
            if (_strict)
                throw Diverged(step, $"choice {_next} picks {Describe(c)}, which is not enabled; enabled: {Names(enabled)}");
        }
        if (_strict) throw Diverged(step, $"the schedule ended but the run goes on; enabled: {Names(enabled)}");
        int lowest = enabled[0];
        foreach (int id in enabled) lowest = Math.Min(lowest, id);
        return lowest;
    }

    public int NextValue(int bound)
    {
        while (_next < _choices.Length)
        {
            var c = _choices[_next++];
            if (c.Kind == ChoiceKind.Value && c.Value < bound) return c.Value;
            if (_strict)
                throw new ReplayDivergedException(
                    c.Kind == ChoiceKind.Value
                        ? $"seed {_seed}, choice {_next}: recorded value {c.Value} is out of the run's bound {bound}"
                        : $"seed {_seed}, choice {_next}: the run draws a value (bound {bound}) where the schedule picks {Describe(c)}");
            _next--;
            return 0;
        }
        if (_strict) throw new ReplayDivergedException($"seed {_seed}: the schedule ended after {_choices.Length} choices but the run draws a value (bound {bound})");
        return 0;
    }

    /// <summary>True when a strict replay used every recorded choice (called after the run).</summary>
    public bool Exhausted => _next >= _choices.Length;

    /// <summary>After a run: why a strict replay that left recorded choices unused does not match, or null when it used them all.</summary>
    public string? Leftover(RunResult r) => Exhausted || r.Outcome == Outcome.ReplayDiverged ? null
        : $"seed {_seed}: the run ended at step {r.Steps} ({r.Outcome.ToString().ToLowerInvariant()}) with {_choices.Length - _next} of the schedule's {_choices.Length} choices unused";

    private ReplayDivergedException Diverged(int step, string what) => new($"seed {_seed}, step {step}: {what}");

    /// <summary>"cpu1 (actor 3)", by the system's name for the id; the recorded name too when it differs.</summary>
    private string Describe(Choice c)
    {
        string actual = _nameOf(c.Value);
        return c.Name is null || c.Name == actual ? $"{actual} (actor {c.Value})" : $"actor {c.Value}, recorded as {c.Name} but {actual} here";
    }

    private string Names(ReadOnlySpan<int> enabled)
    {
        var names = new List<string>();
        foreach (int id in enabled) names.Add(_nameOf(id));
        names.Sort(StringComparer.Ordinal);
        return string.Join(", ", names);
    }
}

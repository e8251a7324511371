namespace StressVm.Runtime;

/// <summary>
/// Source-set dynamic partial-order reduction with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014,
/// Algorithm 1), stateless: every run replays a prefix of the exploration tree and goes on with the actor that
/// ran last (fewest preemptions), then the run's races add backtrack points. A race is two conflicting steps of
/// different actors (see <see cref="StepLog.Conflict"/>) that no third step orders. Every value a model draws
/// (<c>Choose</c>, a per-sender pick) is enumerated, each value a branch of its own. With
/// <see cref="DporOptions.Reduction"/> off it enumerates every interleaving instead: the reference the reduction is checked against.
/// Drive it with <see cref="DporExplorer"/>.
/// </summary>
public sealed class DporStrategy : ISchedulingStrategy
{
    private sealed class SleepEntry(int actor, FootprintSet footprint)
    {
        public readonly int Actor = actor;
        public readonly FootprintSet Footprint = footprint;
    }

    private sealed class Node
    {
        public bool IsValue;
        public int Value, Bound;         // a value node
        public int StepIndex;            // the step it belongs to
        public int Chosen = -1;          // a scheduling node: the actor taken on the current path
        public int[] Enabled = [];
        public List<int> Backtrack = new();
        public List<SleepEntry> Done = new();
        public List<int> Pruned = new();    // beyond the preemption bound: not explored, so never asleep
        public List<SleepEntry> Sleep = new();
        public List<SleepEntry> Footprints = new(); // per explored actor: the union of its step's variants
        public int PrevActor = -1;
        public int PreemptionsBefore;

        public bool Asleep(int actor)
        {
            foreach (var s in Sleep) if (s.Actor == actor) return true;
            return false;
        }

        public bool IsDone(int actor)
        {
            foreach (var s in Done) if (s.Actor == actor) return true;
            return false;
        }

        public FootprintSet FootprintOf(int actor)
        {
            foreach (var f in Footprints) if (f.Actor == actor) return f.Footprint;
            var fp = new FootprintSet();
            Footprints.Add(new SleepEntry(actor, fp));
            return fp;
        }

        public int Cost(int actor) => PrevActor >= 0 && actor != PrevActor && Enabled.AsSpan().Contains(PrevActor) ? 1 : 0;
    }

    private readonly DporOptions _options;
    private readonly List<Node> _path = new();
    private readonly List<Node> _stepNode = new();
    private readonly PartialOrder _order = new();
    private readonly HashSet<ulong> _classes = new();
    private List<SleepEntry> _pendingSleep = new();
    private Node? _current;
    private int _pos;
    private int _racesFrom;
    private int _prevActor = -1;
    private int _preemptions;
    private bool _started;

    public DporStrategy(DporOptions? options = null)
    {
        _options = options ?? new DporOptions();
        Log.OnStepEnd = StepEnded;
    }

    public string Name => _options.Reduction ? "dpor" : "exhaustive";

    /// <summary>The observer to set on the system: it records every step's footprint for the race analysis.</summary>
    public StepLog Log { get; } = new();

    public DporOptions Options => _options;

    /// <summary>Distinct trace classes among the finished runs.</summary>
    public int Classes => _classes.Count;

    /// <summary>Branches left out because they needed more preemptions than allowed.</summary>
    public long PrunedByPreemptions { get; private set; }

    /// <summary>The class of the last run (after <see cref="AfterRun"/>).</summary>
    public ulong LastClass { get; private set; }

    /// <summary>True when the last run was a new class.</summary>
    public bool LastWasNewClass { get; private set; }

    public void Prepare(ulong seed)
    {
        _pos = 0;
        _current = null;
        _pendingSleep = new List<SleepEntry>();
        _prevActor = -1;
        _preemptions = 0;
        _stepNode.Clear();
        _started = true;
    }

    public int NextActor(ReadOnlySpan<int> enabled, int step)
    {
        Node n;
        if (_pos < _path.Count)
        {
            n = _path[_pos];
            if (n.IsValue || !enabled.Contains(n.Chosen))
                throw new InvalidOperationException(
                    $"step {step}: the model did not repeat itself (a run must be a pure function of the schedule): " +
                    (n.IsValue ? "a value was drawn here before" : $"actor #{n.Chosen} is not enabled now"));
        }
        else
        {
            n = new Node
            {
                StepIndex = step, Enabled = enabled.ToArray(), PrevActor = _prevActor, PreemptionsBefore = _preemptions,
                Sleep = _options.Reduction ? _pendingSleep : new List<SleepEntry>(),
            };
            Array.Sort(n.Enabled);
            int chosen = -1;
            if (_prevActor >= 0 && enabled.Contains(_prevActor) && !n.Asleep(_prevActor)) chosen = _prevActor;
            else foreach (int a in n.Enabled) if (!n.Asleep(a)) { chosen = a; break; }
            if (chosen < 0) throw new RunAbandonedException(); // every enabled actor sleeps: an explored class
            if (_options.MaxPreemptions is int max && n.PreemptionsBefore + n.Cost(chosen) > max)
            {
                PrunedByPreemptions++;
                throw new RunAbandonedException();
            }
            n.Chosen = chosen;
            if (_options.Reduction) n.Backtrack.Add(chosen);
            else foreach (int a in n.Enabled) n.Backtrack.Add(a);
            _path.Add(n);
        }
        _pos++;
        n.StepIndex = step;
        _current = n;
        while (_stepNode.Count <= step) _stepNode.Add(n);
        _stepNode[step] = n;
        _preemptions = n.PreemptionsBefore + n.Cost(n.Chosen);
        _prevActor = n.Chosen;
        return n.Chosen;
    }

    public int NextValue(int bound)
    {
        if (_pos < _path.Count)
        {
            var v = _path[_pos];
            if (!v.IsValue || v.Bound != bound)
                throw new InvalidOperationException($"step {Log.Count}: the model did not repeat itself (a value with bound {bound} drawn where the run went otherwise before)");
            _pos++;
            return v.Value;
        }
        _path.Add(new Node { IsValue = true, Value = 0, Bound = bound, StepIndex = Log.Count });
        _pos++;
        return 0;
    }

    private void StepEnded(int step)
    {
        var n = _current!;
        if (!_options.Reduction) return;
        n.FootprintOf(n.Chosen).Add(Log.Copy(step));
        // The next new node sleeps on what slept here, or was explored here, and commutes with this step.
        var next = new List<SleepEntry>();
        foreach (var s in n.Sleep) if (!s.Footprint.ConflictsWith(Log, step)) next.Add(s);
        foreach (var s in n.Done) if (!s.Footprint.ConflictsWith(Log, step)) next.Add(s);
        _pendingSleep = next;
    }

    /// <summary>After a run: the race analysis, the run's class. False when the run was abandoned (an explored class).</summary>
    public void AfterRun(RunResult r)
    {
        if (!_started) throw new InvalidOperationException("AfterRun before a run");
        if (_options.Reduction && r.Outcome is Outcome.Violation or Outcome.StepBudget && Log.Count > 0)
        {
            // The run stopped with actors still enabled: its last step disabled them all, so it conflicts with
            // every step and with every actor's next one, which is then tried in its place.
            int last = Log.Count - 1;
            Log.MarkGlobal(last);
            var node = _stepNode[last];
            foreach (int a in node.Enabled)
                if (!node.Backtrack.Contains(a) && !node.Asleep(a)) node.Backtrack.Add(a);
        }
        _order.Build(Log, _options.Reduction ? _racesFrom : int.MaxValue, _options.Reduction ? OnRace : null);
        LastWasNewClass = false;
        if (r.Outcome == Outcome.Abandoned) return;
        LastClass = _order.ClassHash(Log);
        LastWasNewClass = _classes.Add(LastClass);
    }

    private void OnRace(int i, int j, ReadOnlySpan<int> clockOfJ)
    {
        var node = _stepNode[i];
        int actors = _order.Actors;
        int ai = Log.ActorOf(i), aj = Log.ActorOf(j);
        // v = the steps after i that do not happen after it, then j. Its initials: actors whose first step in v
        // has no predecessor in v (steps of one actor in v are contiguous in its program order).
        Span<int> first = actors <= 64 ? stackalloc int[actors] : new int[actors];
        first.Fill(-1);
        for (int k = i + 1; k < j; k++)
        {
            int a = Log.ActorOf(k);
            if (first[a] >= 0 || _order.ClockOf(k)[ai] > i) continue;
            first[a] = k;
        }
        var initials = new List<int>(2);
        for (int b = 0; b < actors; b++)
        {
            int k = first[b];
            ReadOnlySpan<int> vc;
            if (k >= 0) vc = _order.ClockOf(k);
            else if (b == aj) { k = j; vc = clockOfJ; }
            else continue;
            bool initial = true;
            for (int c = 0; c < actors && initial; c++)
                if (c != b && first[c] >= 0 && first[c] < k && vc[c] > first[c]) initial = false;
            if (initial) initials.Add(b);
        }
        AddBacktrack(node, initials, aj);
        if (_options.MaxPreemptions is not null)
        {
            // Bounded search (Coons, Musuvathi, McKinley, OOPSLA 2013): also try the switch where i's run of steps began.
            int m = i;
            while (m > 0 && Log.ActorOf(m - 1) == ai) m--;
            if (m != i) AddBacktrack(_stepNode[m], initials, aj);
        }
    }

    private static void AddBacktrack(Node node, List<int> initials, int preferred)
    {
        foreach (int q in initials) if (node.Backtrack.Contains(q)) return;
        int pick = -1;
        if (initials.Contains(preferred) && !node.Asleep(preferred) && node.Enabled.AsSpan().Contains(preferred)) pick = preferred;
        else foreach (int q in initials) if (!node.Asleep(q) && node.Enabled.AsSpan().Contains(q)) { pick = q; break; }
        if (pick >= 0) node.Backtrack.Add(pick);
    }

    /// <summary>Moves to the next branch of the tree; false when the tree is exhausted.</summary>
    public bool Advance()
    {
        for (int k = _path.Count - 1; k >= 0; k--)
        {
            var n = _path[k];
            if (n.IsValue)
            {
                if (n.Value + 1 < n.Bound)
                {
                    n.Value++;
                    return Truncate(k);
                }
                continue;
            }
            if (!n.IsDone(n.Chosen)) n.Done.Add(new SleepEntry(n.Chosen, n.FootprintOf(n.Chosen)));
            foreach (int q in n.Backtrack)
            {
                if (n.IsDone(q) || n.Asleep(q) || n.Pruned.Contains(q)) continue;
                if (_options.MaxPreemptions is int max && n.PreemptionsBefore + n.Cost(q) > max)
                {
                    PrunedByPreemptions++;
                    n.Pruned.Add(q);
                    continue;
                }
                n.Chosen = q;
                return Truncate(k);
            }
        }
        _path.Clear();
        return false;
    }

    private bool Truncate(int k)
    {
        _path.RemoveRange(k + 1, _path.Count - k - 1);
        _racesFrom = _path[k].StepIndex;
        return true;
    }
}

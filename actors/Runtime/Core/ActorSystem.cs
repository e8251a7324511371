using System.Runtime.CompilerServices;

namespace StressVm.Runtime;

/// <summary>
/// One simulation: the actors, their mailboxes and the controlled scheduler. Single-threaded; a run is a
/// pure function of the actors' setup, the strategy and the seed. Each step delivers one message, one
/// Ask reply (resuming the suspended handler inline) or one interrupt to one actor chosen by the strategy
/// among the enabled ones. Reused between runs: <see cref="Run"/> resets it without reallocating.
/// </summary>
public sealed class ActorSystem
{
    private readonly List<Actor> _actors = new();
    private readonly List<string> _names = new();
    private readonly List<Props> _props = new();
    private readonly List<ISafetyMonitor> _monitors = new();
    private readonly EnabledSet _enabled = new();
    private readonly Dictionary<Type, ulong> _replyTypeHash = new();
    private int _rootCount = -1;
    private int _askIds;
    private Violation? _violation;
    private ISchedulingStrategy? _strategy;

    // Recorded choices of the current run, kept as parallel arrays: no allocation per step.
    private int[] _choiceValue = new int[256];
    private int[] _choiceBound = new int[256];
    private int _choiceCount;

    public ActorSystem(int maxSteps = 100_000, bool recordTrace = true)
    {
        MaxSteps = maxSteps;
        Trace = new Trace(this) { Recording = recordTrace };
    }

    /// <summary>Which queued message a step delivers; see <see cref="Runtime.MailboxOrder"/>.</summary>
    public MailboxOrder MailboxOrder { get; set; } = MailboxOrder.PerActor;

    /// <summary>Steps after which a run ends as <see cref="Outcome.StepBudget"/>.</summary>
    public int MaxSteps { get; set; }

    public Trace Trace { get; }

    /// <summary>The step being taken (or the count of steps taken, between runs).</summary>
    public int Step { get; private set; }

    public ulong Seed { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>The actor whose handler is running, or -1.</summary>
    public int CurrentActorId { get; private set; } = -1;

    internal ActorRef CurrentSenderRef => CurrentActorId < 0 ? ActorRef.Nobody : new ActorRef(this, CurrentActorId);

    public int ActorCount => _actors.Count;

    public string NameOf(int id) => id >= 0 && id < _names.Count ? _names[id] : $"#{id}";

    public Actor ActorAt(int id) => _actors[id];

    public ActorRef RefOf(int id) => new(this, id);

    public ActorRef? Find(string name)
    {
        int i = _names.IndexOf(name);
        return i < 0 ? null : new ActorRef(this, i);
    }

    public IReadOnlyList<string> ActorNames => _names;

    /// <summary>
    /// Creates an actor. Actors created before the first run are roots: they survive resets. Actors created
    /// during a run are dropped by the next reset.
    /// </summary>
    public ActorRef ActorOf(Props props, string name)
    {
        if (_names.Contains(name)) name = $"{name}#{_names.Count}";
        var actor = props.NewActor();
        int id = _actors.Count;
        Attach(actor, id);
        _actors.Add(actor);
        _names.Add(name);
        _props.Add(props);
        return new ActorRef(this, id);
    }

    public void AddMonitor(ISafetyMonitor monitor) => _monitors.Add(monitor);

    private void Attach(Actor actor, int id)
    {
        if (actor.SystemOrNull is not null && !ReferenceEquals(actor.SystemOrNull, this))
            throw new InvalidOperationException("an actor instance belongs to one system");
        actor.SystemOrNull = this;
        actor.Id = id;
    }

    /// <summary>
    /// Runs one schedule to its end: completion, a violation, a deadlock or the step budget.
    /// <paramref name="start"/> runs after every actor's PreStart, to send the first messages from outside.
    /// </summary>
    public RunResult Run(ISchedulingStrategy strategy, ulong seed, Action<ActorSystem>? start = null)
    {
        if (IsRunning) throw new InvalidOperationException("a system runs one schedule at a time");
        IsRunning = true;
        try
        {
            Reset(strategy, seed);
            for (int i = 0; i < _actors.Count; i++)
            {
                CurrentActorId = i;
                _actors[i].PreStart();
                CurrentActorId = -1;
                _enabled.Set(i, _actors[i].IsEnabled);
            }
            CurrentActorId = -1;
            start?.Invoke(this);
            return Loop(strategy, seed);
        }
        catch (ReplayDivergedException e)
        {
            return Finish(Outcome.ReplayDiverged, strategy, seed, error: e.Message);
        }
        catch (Exception e)
        {
            string where = CurrentActorId >= 0 ? $"in {NameOf(CurrentActorId)} at step {Step}: " : $"at step {Step}: ";
            return Finish(Outcome.InternalError, strategy, seed, error: where + e);
        }
        finally
        {
            CurrentActorId = -1;
            IsRunning = false;
        }
    }

    private RunResult Loop(ISchedulingStrategy strategy, ulong seed)
    {
        var monitors = _monitors;
        while (true)
        {
            if (_violation is not null) return Finish(Outcome.Violation, strategy, seed);
            if (_enabled.Count == 0)
            {
                var deadlock = FindDeadlock();
                if (deadlock is not null) return Finish(Outcome.Deadlock, strategy, seed, deadlock: deadlock);
                foreach (var m in monitors)
                {
                    _violation = m.AtEnd(this);
                    if (_violation is not null) return Finish(Outcome.Violation, strategy, seed);
                }
                return Finish(Outcome.Completed, strategy, seed);
            }
            if (Step >= MaxSteps) return Finish(Outcome.StepBudget, strategy, seed);

            int id = strategy.NextActor(_enabled.Items, Step);
            if (!_enabled.Contains(id))
                throw new InvalidOperationException($"strategy {strategy.Name} picked {NameOf(id)}, which is not enabled");
            RecordChoice(id, 0);
            Deliver(id);
            for (int i = 0; i < monitors.Count && _violation is null; i++)
            {
                _violation = monitors[i].AfterStep(this, Step, id);
                if (_violation is not null) Trace.Mark(id, MarkKind.Error, _violation.Invariant, _violation.Detail);
            }
            Step++;
        }
    }

    private void Reset(ISchedulingStrategy strategy, ulong seed)
    {
        if (_rootCount < 0) _rootCount = _actors.Count;
        for (int i = _actors.Count - 1; i >= _rootCount; i--)
        {
            _actors[i].SystemOrNull = null;
            _actors.RemoveAt(i);
            _names.RemoveAt(i);
            _props.RemoveAt(i);
        }
        for (int i = 0; i < _actors.Count; i++)
        {
            var a = _actors[i];
            a.ResetRuntimeState();
            if (!a.TryReset())
            {
                a.SystemOrNull = null;
                var fresh = _props[i].NewActor();
                Attach(fresh, i);
                _actors[i] = fresh;
            }
        }
        _enabled.Clear();
        _strategy = strategy;
        strategy.Prepare(seed);
        Seed = seed;
        Step = 0;
        _askIds = 0;
        _violation = null;
        _choiceCount = 0;
        Trace.Reset(StableHash.Mix(0x5EED, seed));
        foreach (var m in _monitors) m.Reset();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordChoice(int value, int bound)
    {
        if (_choiceCount == _choiceValue.Length)
        {
            Array.Resize(ref _choiceValue, _choiceValue.Length * 2);
            Array.Resize(ref _choiceBound, _choiceBound.Length * 2);
        }
        _choiceValue[_choiceCount] = value;
        _choiceBound[_choiceCount] = bound;
        _choiceCount++;
    }

    private void Deliver(int id)
    {
        var a = _actors[id];
        CurrentActorId = id;
        if (a.Interrupts.Count > 0 && a.InterruptMask == 0)
        {
            var env = a.Interrupts.Dequeue();
            int savedSender = a.ContextSender, savedAsk = a.ContextAskId;
            a.ContextSender = env.Sender;
            a.ContextAskId = 0;
            var h = HandlerFor(a, env.Message);
            Trace.Add(id, env.Sender, EnvelopeKind.Interrupt, env.Message, h.TypeHash);
            var vt = h.Invoke(env.Message);
            if (!vt.IsCompleted)
                throw new InvalidOperationException($"{NameOf(id)}: an interrupt handler ({env.Message.GetType().Name}) must not await");
            vt.GetAwaiter().GetResult();
            a.ContextSender = savedSender;
            a.ContextAskId = savedAsk;
        }
        else if (a.Suspended)
        {
            object reply = a.ReplySlot!;
            Trace.Add(id, a.ReplySender, EnvelopeKind.Reply, reply, ReplyTypeHash(a, reply));
            a.ReplyReady = false;
            a.Suspended = false;
            a.AwaitedAskId = 0;
            a.AskTarget = -1;
            var k = a.Continuation!;
            a.Continuation = null;
            k();
            if (!a.Suspended) CompleteHandler(a);
        }
        else
        {
            var env = MailboxOrder == MailboxOrder.PerSender && a.Mailbox.Count > 1 ? TakeFromOneSender(a) : a.Mailbox.Dequeue();
            a.ContextSender = env.Sender;
            a.ContextAskId = env.AskId;
            var h = HandlerFor(a, env.Message);
            Trace.Add(id, env.Sender, EnvelopeKind.Normal, env.Message, h.TypeHash);
            var vt = h.Invoke(env.Message);
            if (vt.IsCompleted)
            {
                vt.GetAwaiter().GetResult();
                if (a.AwaitedAskId != 0) throw new InvalidOperationException($"{NameOf(id)}: an Ask was issued but not awaited");
            }
            else if (a.Suspended) a.PendingHandler = vt;
            else throw new InvalidOperationException(
                $"{NameOf(id)}: the handler for {env.Message.GetType().Name} awaited something other than an Ask; only Asks are scheduling points");
        }
        CurrentActorId = -1;
        _enabled.Set(id, a.IsEnabled);
    }

    private int[] _senders = new int[8];

    /// <summary>
    /// <see cref="MailboxOrder.PerSender"/>: the oldest message of one of the senders with mail queued, the sender
    /// drawn through the strategy (so recorded and replayed). Senders are numbered by their oldest message.
    /// </summary>
    private Envelope TakeFromOneSender(Actor a)
    {
        var box = a.Mailbox;
        if (_senders.Length < box.Count) _senders = new int[box.Count * 2];
        int distinct = 0;
        for (int i = 0; i < box.Count; i++)
        {
            int sender = box.PeekAt(i).Sender;
            bool seen = false;
            for (int j = 0; j < distinct && !seen; j++) seen = box.PeekAt(_senders[j]).Sender == sender;
            if (!seen) _senders[distinct++] = i;
        }
        if (distinct == 1) return box.Dequeue();
        return box.RemoveAt(_senders[ChooseValue(distinct)]);
    }

    private void CompleteHandler(Actor a)
    {
        var vt = a.PendingHandler;
        a.PendingHandler = default;
        if (!vt.IsCompleted)
            throw new InvalidOperationException($"{NameOf(a.Id)}: a handler awaited something other than an Ask");
        vt.GetAwaiter().GetResult(); // returns a pooled state machine to its pool, rethrows a model exception
    }

    private Handler HandlerFor(Actor a, object message) =>
        a.FindHandler(message.GetType())
        ?? throw new InvalidOperationException($"{NameOf(a.Id)} ({a.GetType().Name}) has no handler for {message.GetType().Name}");

    private ulong ReplyTypeHash(Actor a, object reply)
    {
        var t = reply.GetType();
        if (ReferenceEquals(t, a.LastReplyType)) return a.LastReplyHash; // an actor mostly gets one kind of reply
        if (!_replyTypeHash.TryGetValue(t, out ulong h))
        {
            h = StableHash.Of(t.FullName ?? t.Name) ^ 0x7E91_7E91UL;
            _replyTypeHash[t] = h;
        }
        a.LastReplyType = t;
        a.LastReplyHash = h;
        return h;
    }

    internal int NextAskId() => ++_askIds;

    internal void Post(int target, object message, int sender, int askId, EnvelopeKind kind)
    {
        if (message is null) throw new ArgumentNullException(nameof(message));
        if ((uint)target >= (uint)_actors.Count) throw new InvalidOperationException($"no actor #{target}");
        var a = _actors[target];
        switch (kind)
        {
            case EnvelopeKind.Reply:
                if (a.AwaitedAskId != askId || a.ReplyReady)
                    throw new InvalidOperationException($"{NameOf(target)} got a reply ({message.GetType().Name}) to an Ask it is not waiting for");
                a.ReplySlot = message;
                a.ReplySender = sender;
                a.ReplyReady = true;
                break;
            case EnvelopeKind.Interrupt:
                a.Interrupts.Enqueue(new Envelope { Message = message, Sender = sender, Kind = kind });
                break;
            default:
                a.Mailbox.Enqueue(new Envelope { Message = message, Sender = sender, AskId = askId, Kind = kind });
                break;
        }
        if (target != CurrentActorId) _enabled.Set(target, a.IsEnabled);
    }

    /// <summary>A spinning actor's hint to the strategy (see <see cref="ISchedulingStrategy.OnYield"/>); changes no state of the run.</summary>
    internal void Yield(int actor) => _strategy?.OnYield(actor);

    /// <summary>A model's random choice: drawn by the strategy (so replay can dictate it) and recorded.</summary>
    internal int ChooseValue(int bound)
    {
        if (_strategy is null) throw new InvalidOperationException("choices are made during a run");
        int v = _strategy.NextValue(bound);
        if ((uint)v >= (uint)bound) throw new InvalidOperationException($"strategy returned {v} outside [0,{bound})");
        RecordChoice(v, bound);
        Trace.MixValue(v);
        return v;
    }

    /// <summary>Raises a violation from model code; the run stops after the current step.</summary>
    public void ReportViolation(string invariant, string detail, int actor = -1)
    {
        if (_violation is not null) return;
        int who = actor < 0 ? CurrentActorId : actor;
        _violation = new Violation(invariant, detail, Step, NameOf(who));
        Trace.Mark(who, MarkKind.Error, invariant, detail);
    }

    /// <summary>The choices of the last run as a schedule, with the given header fields.</summary>
    public Schedule RecordedSchedule(IReadOnlyDictionary<string, string>? header = null)
    {
        var choices = new Choice[_choiceCount];
        for (int i = 0; i < _choiceCount; i++)
        {
            int b = _choiceBound[i];
            choices[i] = b == 0
                ? new Choice(ChoiceKind.Actor, _choiceValue[i], 0, NameOf(_choiceValue[i]))
                : new Choice(ChoiceKind.Value, _choiceValue[i], b, null);
        }
        return new Schedule(choices, header ?? new Dictionary<string, string>());
    }

    private RunResult Finish(Outcome outcome, ISchedulingStrategy strategy, ulong seed, DeadlockReport? deadlock = null, string? error = null) =>
        new(outcome, seed, strategy.Name, Step, Trace.FinalFingerprint, _violation, deadlock, error);

    private DeadlockReport? FindDeadlock()
    {
        var waiters = new List<WaitEdge>();
        var next = new Dictionary<int, int>();
        for (int i = 0; i < _actors.Count; i++)
        {
            var a = _actors[i];
            if (a.Suspended)
            {
                var holder = a.AskTarget >= 0 ? _actors[a.AskTarget].HolderFor(new ActorRef(this, i)) : ActorRef.Nobody;
                waiters.Add(new WaitEdge(NameOf(i), NameOf(a.AskTarget), a.AskMessageType?.Name ?? "?",
                    holder.IsNobody ? null : holder.Name, a.DescribeState()));
                next[i] = holder.IsNobody ? a.AskTarget : holder.Id;
            }
            else if (a.HasUnfinishedWork)
                waiters.Add(new WaitEdge(NameOf(i), "-", "-", null, a.DescribeState()));
        }
        if (waiters.Count == 0) return null;
        return new DeadlockReport(waiters, FindCycle(next));
    }

    private List<string> FindCycle(Dictionary<int, int> next)
    {
        foreach (int start in next.Keys.Order())
        {
            var path = new List<int>();
            int cur = start;
            while (next.TryGetValue(cur, out int n) && !path.Contains(cur))
            {
                path.Add(cur);
                cur = n;
            }
            int at = path.IndexOf(cur);
            if (at >= 0)
            {
                var names = path.Skip(at).Select(NameOf).ToList();
                names.Add(NameOf(cur));
                return names;
            }
        }
        return new List<string>();
    }
}

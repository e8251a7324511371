namespace StressVm.Runtime;

/// <summary>
/// One simulation: the actors, their mailboxes and the controlled scheduler. Single-threaded; a run is a
/// pure function of the actors' setup, the strategy and the seed. Each step delivers one message, one
/// Ask reply (resuming the suspended handler inline) or one interrupt to one actor chosen by the strategy
/// among the enabled ones. Reused between runs: <see cref="Run"/> resets it without reallocating.
/// The parts live apart: the registry (<see cref="ActorRegistry"/>), the choice log, the deadlock search,
/// the per-sender mailbox policy, each actor's Ask state; an <see cref="IStepObserver"/> sees every step.
/// </summary>
public sealed class ActorSystem
{
    private readonly ActorRegistry _actors = new();
    private readonly List<ISafetyMonitor> _monitors = new();
    private readonly EnabledSet _enabled = new();
    private readonly Dictionary<Type, ulong> _replyTypeHash = new();
    private readonly ChoiceLog _choices = new();
    private readonly PerSenderMailbox _perSender = new();
    private int _askIds;
    private Violation? _violation;
    private ISchedulingStrategy? _strategy;
    private bool _inStep;
    private bool _declared;

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

    /// <summary>
    /// Whether runs record their steps and the model's marks (spans, events) into <see cref="Trace"/>; off, a run
    /// is only counted and fingerprinted, and the same run otherwise. Set between runs.
    /// </summary>
    public bool RecordTrace
    {
        get => Trace.Recording;
        set
        {
            if (IsRunning) throw new InvalidOperationException("trace recording is switched between runs");
            Trace.Recording = value;
        }
    }

    /// <summary>Sees every step and what it touched (exploration, coverage); null: nothing is recorded.</summary>
    public IStepObserver? Observer { get; set; }

    /// <summary>The step being taken (or the count of steps taken, between runs).</summary>
    public int Step { get; private set; }

    public ulong Seed { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>The actor whose handler is running, or -1.</summary>
    public int CurrentActorId { get; private set; } = -1;

    internal ActorRef CurrentSenderRef => CurrentActorId < 0 ? ActorRef.Nobody : new ActorRef(this, CurrentActorId);

    public int ActorCount => _actors.Count;

    public string NameOf(int id) => _actors.NameOf(id);

    public Actor ActorAt(int id) => _actors[id];

    public ActorRef RefOf(int id) => new(this, id);

    public ActorRef? Find(string name)
    {
        int i = _actors.IndexOf(name);
        return i < 0 ? null : new ActorRef(this, i);
    }

    public IReadOnlyList<string> ActorNames => _actors.Names;

    /// <summary>
    /// Creates an actor. Actors created before the first run are roots: they survive resets. Actors created
    /// during a run are dropped by the next reset.
    /// </summary>
    public ActorRef ActorOf(Props props, string name)
    {
        if (_inStep) Touch(Footprint.Global, true); // ids are handed out in creation order: creations do not commute
        return new ActorRef(this, _actors.Add(this, props, name));
    }

    public void AddMonitor(ISafetyMonitor monitor) => _monitors.Add(monitor);

    /// <summary>
    /// Runs one schedule to its end: completion, a violation, a deadlock or the step budget.
    /// <paramref name="start"/> runs after every actor's PreStart, to send the first messages from outside.
    /// </summary>
    public RunResult Run(ISchedulingStrategy strategy, ulong seed, Action<ActorSystem>? start = null)
    {
        if (IsRunning) throw new InvalidOperationException("a system runs one schedule at a time");
        IsRunning = true;
        // No ExecutionContext flows between the simulation's awaits (nothing in a run reads one): an await then
        // resumes by calling the state machine directly, not through ExecutionContext.RunInternal.
        var flow = ExecutionContext.IsFlowSuppressed() ? (AsyncFlowControl?)null : ExecutionContext.SuppressFlow();
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
        catch (RunAbandonedException)
        {
            return Finish(Outcome.Abandoned, strategy, seed);
        }
        catch (Exception e)
        {
            string where = CurrentActorId >= 0 ? $"in {NameOf(CurrentActorId)} at step {Step}: " : $"at step {Step}: ";
            return Finish(Outcome.InternalError, strategy, seed, error: where + e);
        }
        finally
        {
            CurrentActorId = -1;
            _inStep = false;
            IsRunning = false;
            flow?.Undo();
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
                var deadlock = DeadlockDetector.Find(this, _actors);
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
            _choices.Record(id, 0);
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
        _actors.ResetToRoots(this);
        _enabled.Clear();
        _strategy = strategy;
        strategy.Prepare(seed);
        Seed = seed;
        Step = 0;
        _askIds = 0;
        _violation = null;
        _choices.Clear();
        Trace.Reset(StableHash.Mix(0x5EED, seed));
        foreach (var m in _monitors) m.Reset();
        Observer?.RunBegins(this);
    }

    private void Deliver(int id)
    {
        var a = _actors[id];
        var observer = Observer;
        CurrentActorId = id;
        _inStep = true;
        ulong typeHash;
        if (a.Interrupts.Count > 0 && a.InterruptMask == 0)
        {
            var env = a.Interrupts.Dequeue();
            if (observer is not null) ObserveStepBegins(observer, a, EnvelopeKind.Interrupt, env.PostedAt);
            int savedSender = a.ContextSender, savedAsk = a.ContextAskId;
            a.ContextSender = env.Sender;
            a.ContextAskId = 0;
            var h = HandlerFor(a, env.Message);
            typeHash = h.TypeHash;
            Trace.Add(id, env.Sender, EnvelopeKind.Interrupt, env.Message, typeHash);
            var vt = h.Invoke(env.Message);
            if (!vt.IsCompleted)
                throw new InvalidOperationException($"{NameOf(id)}: an interrupt handler ({env.Message.GetType().Name}) must not await");
            vt.GetAwaiter().GetResult();
            a.ContextSender = savedSender;
            a.ContextAskId = savedAsk;
        }
        else if (a.Asking.Suspended)
        {
            object reply = a.Asking.Reply!;
            if (observer is not null) ObserveStepBegins(observer, a, EnvelopeKind.Reply, a.Asking.ReplyPostedAt);
            typeHash = ReplyTypeHash(a, reply);
            Trace.Add(id, a.Asking.ReplySender, EnvelopeKind.Reply, reply, typeHash);
            a.Asking.Resume()();
            if (!a.Asking.Suspended) CompleteHandler(a);
        }
        else
        {
            Envelope env;
            if (MailboxOrder == MailboxOrder.PerSender && a.Mailbox.Count > 1)
            {
                // Which sender goes first is a choice made inside this step: it reads every queued message.
                env = _perSender.Take(a.Mailbox, this);
                if (observer is not null)
                {
                    ObserveStepBegins(observer, a, EnvelopeKind.Normal, env.PostedAt);
                    observer.Access(Footprint.Mailbox(id), true);
                }
            }
            else
            {
                env = a.Mailbox.Dequeue();
                if (observer is not null) ObserveStepBegins(observer, a, EnvelopeKind.Normal, env.PostedAt);
            }
            a.ContextSender = env.Sender;
            a.ContextAskId = env.AskId;
            var h = HandlerFor(a, env.Message);
            typeHash = h.TypeHash;
            Trace.Add(id, env.Sender, EnvelopeKind.Normal, env.Message, typeHash);
            var vt = h.Invoke(env.Message);
            if (vt.IsCompleted)
            {
                vt.GetAwaiter().GetResult();
                if (a.Asking.AwaitedId != 0) throw new InvalidOperationException($"{NameOf(id)}: an Ask was issued but not awaited");
            }
            else if (a.Asking.Suspended) a.Asking.PendingHandler = vt;
            else throw new InvalidOperationException(
                $"{NameOf(id)}: the handler for {env.Message.GetType().Name} awaited something other than an Ask; only Asks are scheduling points");
        }
        if (observer is not null)
        {
            // An actor that shares memory and declared nothing may have touched anything.
            if (!_declared && !a.StateIsPrivate) observer.Access(Footprint.Global, true);
            _declared = false;
            observer.StepEnds(Step, id, typeHash);
        }
        _inStep = false;
        CurrentActorId = -1;
        _enabled.Set(id, a.IsEnabled);
    }

    /// <summary>Tells the observer a step begins, and lets the actor declare what its every step touches.</summary>
    private void ObserveStepBegins(IStepObserver observer, Actor a, EnvelopeKind kind, int postedAt)
    {
        observer.StepBegins(Step, a.Id, kind, postedAt);
        a.DeclareStepFootprint();
    }

    private void CompleteHandler(Actor a)
    {
        var vt = a.Asking.TakePendingHandler();
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
        // An actor gets few kinds of reply (a lock grant, a shootdown's ack...): two remembered spare the lookup.
        if (ReferenceEquals(t, a.LastReplyType)) return a.LastReplyHash;
        ulong h;
        if (ReferenceEquals(t, a.PreviousReplyType)) h = a.PreviousReplyHash;
        else if (!_replyTypeHash.TryGetValue(t, out h))
        {
            h = StableHash.Of(t.FullName ?? t.Name) ^ 0x7E91_7E91UL;
            _replyTypeHash[t] = h;
        }
        a.PreviousReplyType = a.LastReplyType;
        a.PreviousReplyHash = a.LastReplyHash;
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
        int postedAt = _inStep ? Step : -1;
        switch (kind)
        {
            case EnvelopeKind.Reply:
                if (!a.Asking.Offer(askId, message, sender, postedAt))
                    throw new InvalidOperationException($"{NameOf(target)} got a reply ({message.GetType().Name}) to an Ask it is not waiting for");
                // A reply commutes with everything but its own delivery, which it causes, and an interrupt to the
                // same actor, which would run first if it came first (see Footprint.Wakeup).
                if (_inStep) Observer?.Access(Footprint.Wakeup(target), true);
                break;
            case EnvelopeKind.Interrupt:
                a.Interrupts.Enqueue(new Envelope { Message = message, Sender = sender, Kind = kind, PostedAt = postedAt });
                if (_inStep && Observer is { } obs)
                {
                    obs.Access(Footprint.ActorState(target), true); // it changes the target's next step
                    obs.Access(Footprint.Wakeup(target), true);     // ahead of a reply posted to it,
                    obs.Access(Footprint.Mailbox(target), true);    // and of a message queued for it
                }
                break;
            default:
                a.Mailbox.Enqueue(new Envelope { Message = message, Sender = sender, AskId = askId, Kind = kind, PostedAt = postedAt });
                if (_inStep) Observer?.Access(Footprint.Mailbox(target), true);
                break;
        }
        if (target != CurrentActorId) _enabled.Set(target, a.IsEnabled);
    }

    /// <summary>Records that the running step touches <paramref name="resource"/>; see <see cref="Actor.Touch"/>.</summary>
    internal void Touch(long resource, bool write)
    {
        if (Observer is null || !_inStep) return;
        _declared = true;
        Observer.Access(resource, write);
    }

    /// <summary>A spinning actor's hint to the strategy (see <see cref="ISchedulingStrategy.OnYield"/>); changes no state of the run.</summary>
    internal void Yield(int actor) => _strategy?.OnYield(actor);

    /// <summary>A model's random choice: drawn by the strategy (so replay can dictate it) and recorded.</summary>
    internal int ChooseValue(int bound)
    {
        if (_strategy is null) throw new InvalidOperationException("choices are made during a run");
        int v = _strategy.NextValue(bound);
        if ((uint)v >= (uint)bound) throw new InvalidOperationException($"strategy returned {v} outside [0,{bound})");
        _choices.Record(v, bound);
        Trace.MixValue(v);
        if (_inStep) Observer?.Drew(v, bound);
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
    public Schedule RecordedSchedule(IReadOnlyDictionary<string, string>? header = null) =>
        _choices.ToSchedule(NameOf, header ?? new Dictionary<string, string>());

    private RunResult Finish(Outcome outcome, ISchedulingStrategy strategy, ulong seed, DeadlockReport? deadlock = null, string? error = null) =>
        new(outcome, seed, strategy.Name, Step, Trace.FinalFingerprint, _violation, deadlock, error);
}

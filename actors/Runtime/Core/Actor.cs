namespace StressVm.Runtime;

/// <summary>
/// Base of every actor, with Akka's surface: handlers registered in the constructor with
/// <see cref="Receive{T}(Action{T})"/>, <see cref="Self"/>, <see cref="Sender"/>, Tell and an awaitable
/// <see cref="Ask{TReply}"/>. A handler runs atomically between scheduling points; one that awaits an
/// Ask suspends the actor: it takes no ordinary message until the reply is delivered, but it does take
/// interrupts unless it has masked them (a CPU in a fault still takes IPIs, not with IRQs off).
/// Async handlers should carry
/// <c>[AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]</c> so a suspension allocates nothing.
/// </summary>
public abstract class Actor
{
    private Handler[] _handlers = [];
    private int _handlerCount;
    internal ActorSystem? SystemOrNull;
    internal int Id = -1;

    internal readonly RingQueue<Envelope> Mailbox = new();
    internal readonly RingQueue<Envelope> Interrupts = new();

    /// <summary>The outstanding Ask, if any (see <see cref="AskState"/>).</summary>
    internal AskState Asking = new() { Target = -1, ReplySender = -1, ReplyPostedAt = -1 };

    // The envelope whose handler is (or was, before suspending) running: Sender answers from it.
    internal int ContextSender = -1;
    internal int ContextAskId;

    internal int InterruptMask;

    // The fingerprint hashes of the last two reply types this actor took (a cache: reply types repeat).
    internal Type? LastReplyType, PreviousReplyType;
    internal ulong LastReplyHash, PreviousReplyHash;

    protected ActorSystem System => SystemOrNull ?? throw new InvalidOperationException("actor not attached to a system");

    public ActorRef Self => new(System, Id);

    /// <summary>The sender of the message being handled; replying through it completes an Ask.</summary>
    public ActorRef Sender => ContextSender < 0 ? ActorRef.Nobody : new ActorRef(System, ContextSender, ContextAskId);

    /// <summary>True while an awaited Ask has not been answered.</summary>
    public bool IsSuspended => Asking.Suspended;

    public bool InterruptsMasked => InterruptMask > 0;

    /// <summary>Registers a synchronous handler for messages of exactly type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler) => Add(new SyncHandler<T>(handler));

    /// <summary>Registers a handler that may await Asks.</summary>
    protected void ReceiveAsync<T>(Func<T, ValueTask> handler) => Add(new AsyncHandler<T>(handler));

    /// <summary>Replaces every handler (Akka's Become): a state machine without a switch.</summary>
    protected void Become(Action registerHandlers)
    {
        Array.Clear(_handlers);
        _handlerCount = 0;
        registerHandlers();
    }

    private void Add(Handler h)
    {
        for (int i = 0; i < _handlerCount; i++)
            if (_handlers[i].MessageType == h.MessageType)
                throw new InvalidOperationException($"{GetType().Name}: two handlers for {h.MessageType.Name}");
        if (_handlerCount == _handlers.Length) Array.Resize(ref _handlers, Math.Max(4, _handlers.Length * 2));
        _handlers[_handlerCount++] = h;
    }

    internal Handler? FindHandler(Type t)
    {
        for (int i = 0; i < _handlerCount; i++)
            if (_handlers[i].MessageType == t) return _handlers[i];
        for (int i = 0; i < _handlerCount; i++)
            if (_handlers[i].MessageType.IsAssignableFrom(t)) return _handlers[i];
        return null;
    }

    protected void Tell(ActorRef target, object message) => target.Tell(message, Self);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> and returns an awaitable for its reply.
    /// Must be awaited at once, from a handler registered with ReceiveAsync.
    /// </summary>
    protected AskAwaitable<TReply> Ask<TReply>(ActorRef target, object message)
    {
        var sys = System;
        if (Asking.Outstanding)
            throw new InvalidOperationException($"{Self.Name}: an Ask is already outstanding (actors are non-reentrant)");
        if (sys.CurrentActorId != Id)
            throw new InvalidOperationException($"{Self.Name}: Ask outside this actor's own handler");
        int askId = sys.NextAskId();
        Asking.Issue(askId, target.Id, message.GetType());
        sys.Post(target.Id, message, Id, askId, EnvelopeKind.Normal);
        return new AskAwaitable<TReply>(this);
    }

    /// <summary>Masks interrupts (local_irq_disable): they queue until <see cref="UnmaskInterrupts"/>. Nests.</summary>
    protected void MaskInterrupts() => InterruptMask++;

    protected void UnmaskInterrupts()
    {
        if (InterruptMask == 0) throw new InvalidOperationException($"{Self.Name}: unmask without mask");
        InterruptMask--;
    }

    /// <summary>A random choice of the model, drawn through the runtime so that it is seeded and recorded.</summary>
    protected int Choose(int bound) => System.ChooseValue(bound);

    /// <summary>
    /// Says this actor is spinning: it retries something another actor must change first (a fault that keeps
    /// finding its PTE changed). PCT then lowers its priority, as a real scheduler lets time pass.
    /// </summary>
    protected void Yield() => System.Yield(Id);

    /// <summary>Raises a safety violation from inside a handler (for example a kernel WARN the model hits).</summary>
    protected void ReportViolation(string invariant, string detail) => System.ReportViolation(invariant, detail, Id);

    /// <summary>
    /// True when this actor's handlers touch nothing but its own fields and the messages it sends, so its steps
    /// commute with every other actor's step that does not message it (partial-order reduction). The default,
    /// false, is the safe one for actors that share memory: each step touches everything unless it declares
    /// what it touches with <see cref="Touch"/>.
    /// </summary>
    protected internal virtual bool StateIsPrivate => false;

    /// <summary>
    /// Called at the start of each of this actor's steps while footprints are recorded (verify, coverage): an
    /// actor whose every step touches some shared resource declares it here with <see cref="Touch"/>, so that
    /// an Ask's resumption, which enters no handler, declares it too.
    /// </summary>
    protected internal virtual void DeclareStepFootprint() { }

    /// <summary>True while something records footprints (verify, coverage): build costly resource keys only then.</summary>
    protected bool IsRecordingFootprint => System.Observer is not null;

    /// <summary>
    /// Declares a shared resource this step touches (see <see cref="Footprint.Of"/>). A step that declares one
    /// declares all it touches outside its own fields: the rest of the model's memory is then taken as untouched.
    /// </summary>
    protected void Touch(long resource, bool write = true) => System.Touch(resource, write);

    /// <summary>True when the run records its trace: build costly span details only then.</summary>
    protected bool IsTracing => System.Trace.Recording;

    /// <summary>Opens a span on this actor's lane (a fault, a syscall, a walk); close it with <see cref="EndSpan"/>.</summary>
    protected void BeginSpan(string name, string? detail = null) => System.Trace.Mark(Id, MarkKind.SpanBegin, name, detail);

    protected void EndSpan(string name, string? detail = null) => System.Trace.Mark(Id, MarkKind.SpanEnd, name, detail);

    /// <summary>
    /// Opens a hold on this actor's lane (a lock held by some actor): unlike a span it may overlap other holds;
    /// <see cref="EndHold"/> with the same name closes it.
    /// </summary>
    protected void BeginHold(string name, string? detail = null) => System.Trace.Mark(Id, MarkKind.HoldBegin, name, detail);

    protected void EndHold(string name, string? detail = null) => System.Trace.Mark(Id, MarkKind.HoldEnd, name, detail);

    /// <summary>A point event inside the open span (a TLB fill, a PTE change, an IPI ack).</summary>
    protected void TraceEvent(string name, string? detail = null) => System.Trace.Mark(Id, MarkKind.Event, name, detail);

    /// <summary>Called when a run starts, after the reset, in creation order: send the first messages here.</summary>
    protected internal virtual void PreStart() { }

    /// <summary>
    /// Restores the state the actor had when created, in place, and returns true. The default returns false and
    /// the system recreates the actor from its Props. Handlers registered in the constructor are kept.
    /// </summary>
    protected internal virtual bool TryReset() => false;

    /// <summary>True while the actor still has work that the run must finish: quiescence with such an actor is a deadlock.</summary>
    protected internal virtual bool HasUnfinishedWork => false;

    /// <summary>For deadlock reports: the actor that holds what <paramref name="waiter"/> waits for (a lock's owner).</summary>
    protected internal virtual ActorRef HolderFor(ActorRef waiter) => ActorRef.Nobody;

    /// <summary>One line for deadlock reports and traces: what the actor is doing.</summary>
    protected internal virtual string DescribeState() => "";

    internal void Suspend(Action continuation)
    {
        if (Asking.AwaitedId == 0)
            throw new InvalidOperationException($"{Self.Name}: awaited an Ask that was not issued by this actor");
        Asking.Suspend(continuation);
    }

    internal object TakeReply() => Asking.TakeReply() ?? throw new InvalidOperationException($"{Self.Name}: no reply to take");

    internal void ResetRuntimeState()
    {
        Mailbox.Clear();
        Interrupts.Clear();
        Asking.Reset();
        ContextSender = -1;
        ContextAskId = 0;
        InterruptMask = 0;
    }

    /// <summary>Whether the scheduler may pick this actor now.</summary>
    internal bool IsEnabled =>
        (Interrupts.Count > 0 && InterruptMask == 0) || (Asking.Suspended ? Asking.ReplyReady : Mailbox.Count > 0);
}

namespace StressVm.Runtime;

/// <summary>
/// One actor's outstanding Ask: at most one (an actor is suspended while it waits, non-reentrant). Issued by
/// <see cref="Actor.Ask{TReply}"/>, suspended by the awaiter, answered by <see cref="Offer"/> when the target
/// replies, resumed by the scheduler as a step of its own. A struct held in the actor: no allocation.
/// </summary>
internal struct AskState
{
    /// <summary>The handler awaits the reply: the actor takes no ordinary message.</summary>
    public bool Suspended;
    /// <summary>The Ask being waited for (0: none); a reply must carry it.</summary>
    public int AwaitedId;
    /// <summary>The actor asked (for deadlock reports), or -1.</summary>
    public int Target;
    public Type? MessageType;
    /// <summary>The reply has arrived and waits to be delivered.</summary>
    public bool ReplyReady;
    public object? Reply;
    public int ReplySender;
    /// <summary>The step that posted the reply (-1 outside a step): the causal edge exploration needs.</summary>
    public int ReplyPostedAt;
    /// <summary>The suspended handler's continuation, run inline when the reply is delivered.</summary>
    public Action? Continuation;
    /// <summary>The suspended handler itself, completed once its continuation returns without a new Ask.</summary>
    public ValueTask PendingHandler;

    public bool Outstanding => Suspended || AwaitedId != 0;

    public void Issue(int askId, int target, Type messageType)
    {
        AwaitedId = askId;
        Target = target;
        MessageType = messageType;
    }

    public void Suspend(Action continuation)
    {
        Continuation = continuation;
        Suspended = true;
    }

    /// <summary>The target's reply arrives; false when it is not the awaited one.</summary>
    public bool Offer(int askId, object reply, int sender, int postedAt)
    {
        if (AwaitedId != askId || ReplyReady) return false;
        Reply = reply;
        ReplySender = sender;
        ReplyPostedAt = postedAt;
        ReplyReady = true;
        return true;
    }

    /// <summary>Delivers the reply: the actor is no longer suspended; returns the continuation to run.</summary>
    public Action Resume()
    {
        ReplyReady = false;
        Suspended = false;
        AwaitedId = 0;
        Target = -1;
        var k = Continuation!;
        Continuation = null;
        return k;
    }

    public object? TakeReply()
    {
        object? r = Reply;
        Reply = null;
        return r;
    }

    public ValueTask TakePendingHandler()
    {
        var vt = PendingHandler;
        PendingHandler = default;
        return vt;
    }

    public void Reset() => this = new AskState { Target = -1, ReplySender = -1, ReplyPostedAt = -1 };
}

using System.Runtime.CompilerServices;

namespace StressVm.Runtime;

/// <summary>
/// What <see cref="Actor.Ask{TReply}"/> returns. Awaiting it suspends the actor (non-reentrant) until
/// the scheduler delivers the reply as a step of its own; the continuation then runs inline on the
/// simulation's only thread. No allocation: the actor holds the continuation.
/// </summary>
public readonly struct AskAwaitable<TReply> : ICriticalNotifyCompletion
{
    private readonly Actor _actor;

    internal AskAwaitable(Actor actor) => _actor = actor;

    public AskAwaitable<TReply> GetAwaiter() => this;

    /// <summary>Always false: the reply cannot exist before another actor has taken a step.</summary>
    public bool IsCompleted => false;

    public TReply GetResult()
    {
        object reply = _actor.TakeReply();
        if (reply is TReply r) return r;
        throw new InvalidCastException(
            $"{_actor.Self.Name}: Ask expected a reply of type {typeof(TReply).Name}, got {reply.GetType().Name}");
    }

    public void OnCompleted(Action continuation) => _actor.Suspend(continuation);

    public void UnsafeOnCompleted(Action continuation) => _actor.Suspend(continuation);
}

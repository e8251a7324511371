namespace StressVm.Runtime;

/// <summary>One registered Receive: the exact message type it takes and how to run it.</summary>
internal abstract class Handler
{
    public readonly Type MessageType;
    /// <summary>Stable hash of the type's full name: feeds the fingerprint identically in every process.</summary>
    public readonly ulong TypeHash;

    protected Handler(Type messageType)
    {
        MessageType = messageType;
        TypeHash = StableHash.Of(messageType.FullName ?? messageType.Name);
    }

    /// <summary>Runs the handler. Returns a not-yet-completed task when it suspended in an Ask.</summary>
    public abstract ValueTask Invoke(object message);
}

internal sealed class SyncHandler<T>(Action<T> action) : Handler(typeof(T))
{
    public override ValueTask Invoke(object message)
    {
        action((T)message);
        return default;
    }
}

internal sealed class AsyncHandler<T>(Func<T, ValueTask> action) : Handler(typeof(T))
{
    public override ValueTask Invoke(object message) => action((T)message);
}

namespace StressVm.Runtime;

/// <summary>
/// Immutable recipe for an actor (Akka's Props): the system calls the factory when the actor is
/// created and again when a reset finds that the actor cannot reset itself in place.
/// </summary>
public sealed class Props
{
    private readonly Func<Actor> _factory;

    private Props(Func<Actor> factory) => _factory = factory;

    public static Props Create<T>(Func<T> factory) where T : Actor => new(() => factory());

    public static Props Create<T>() where T : Actor, new() => new(() => new T());

    internal Actor NewActor() => _factory();
}

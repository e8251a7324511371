using System.Runtime.CompilerServices;

namespace StressVm.Runtime.Samples;

public sealed record GetValue
{
    public static readonly GetValue Instance = new();
}

public sealed record ValueIs(int Value);

public sealed record SetValue(int Value);

public sealed record Go
{
    public static readonly Go Instance = new();
}

/// <summary>A register that answers GetValue and takes SetValue: the shared state of the lost-update toy.</summary>
public sealed class CounterActor : Actor
{
    public int Value { get; private set; }

    public CounterActor()
    {
        Receive<GetValue>(_ => Sender.Tell(new ValueIs(Value), Self));
        Receive<SetValue>(m => Value = m.Value);
    }

    protected internal override bool TryReset()
    {
        Value = 0;
        return true;
    }

    protected internal override bool StateIsPrivate => true; // it shares nothing but messages
}

/// <summary>
/// Increments the counter <see cref="Increments"/> times by read-modify-write (an Ask to read, a Tell to
/// write): two of them race, and an interleaving between a read and a write loses an update.
/// </summary>
public sealed class IncrementClient : Actor
{
    private readonly ActorRef _counter;
    public int Increments { get; }

    public IncrementClient(ActorRef counter, int increments = 1)
    {
        _counter = counter;
        Increments = increments;
        ReceiveAsync<Go>(Run);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask Run(Go _)
    {
        for (int i = 0; i < Increments; i++)
        {
            var v = await Ask<ValueIs>(_counter, GetValue.Instance);
            _counter.Tell(new SetValue(v.Value + 1), Self);
        }
    }

    protected internal override void PreStart() => Self.Tell(Go.Instance, Self);

    protected internal override bool TryReset() => true;

    protected internal override bool StateIsPrivate => true;
}

/// <summary>At the end, the counter must equal the number of increments made: otherwise an update was lost.</summary>
public sealed class LostUpdateMonitor(CounterActor counter, int expected) : ISafetyMonitor
{
    public const string Invariant = "lost-update";

    public void Reset() { }

    public Violation? AfterStep(ActorSystem system, int step, int actor) => null;

    public Violation? AtEnd(ActorSystem system) =>
        counter.Value == expected ? null : new Violation(Invariant, $"counter is {counter.Value}, expected {expected}", system.Step, "counter");
}

/// <summary>Builds the lost-update toy: one counter, <paramref name="clients"/> clients.</summary>
public static class LostUpdateToy
{
    public static ActorSystem Build(int clients = 2, int increments = 1, int maxSteps = 10_000)
    {
        var sys = new ActorSystem(maxSteps);
        var counter = sys.ActorOf(Props.Create(() => new CounterActor()), "counter");
        for (int i = 0; i < clients; i++)
            sys.ActorOf(Props.Create(() => new IncrementClient(counter, increments)), $"client{i}");
        sys.AddMonitor(new LostUpdateMonitor((CounterActor)sys.ActorAt(counter.Id), clients * increments));
        return sys;
    }
}

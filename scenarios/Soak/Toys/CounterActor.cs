using StressVm.Runtime;

namespace StressVm.Scenarios.Soak.Toys;

/// <summary>A shared counter: answers reads, takes writes and atomic increments.</summary>
public sealed class CounterActor : Actor
{
    public CounterActor()
    {
        Receive<GetValue>(_ => Sender.Tell(new CurrentValue(Value), Self));
        Receive<SetValue>(m => Value = m.Value);
        Receive<Increment>(_ => Value++);
    }

    public int Value { get; private set; }

    protected override bool TryReset()
    {
        Value = 0;
        return true;
    }
}

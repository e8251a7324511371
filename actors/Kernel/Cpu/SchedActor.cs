using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>A preemption point request: answered at once, so the asker can be delayed arbitrarily.</summary>
public sealed class CondResched
{
    public static readonly CondResched Instance = new();
    public override string ToString() => "cond_resched";
}

/// <summary>
/// The scheduler, for code that can be preempted between two atomic steps with no lock in between (an
/// actor's handler otherwise runs atomically up to its next Ask): cond_resched() is an Ask to it.
/// </summary>
public sealed class SchedActor : Actor
{
    public SchedActor()
    {
        Receive<CondResched>(_ => Sender.Tell(CondResched.Instance, Self));
    }

    protected override bool TryReset() => true;

    protected override bool StateIsPrivate => true; // it only answers: cond_resched touches no memory
}

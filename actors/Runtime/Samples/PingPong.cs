using System.Runtime.CompilerServices;

namespace StressVm.Runtime.Samples;

/// <summary>Ping-pong pairs used by the runtime benchmark: one Tell per step, or an Ask (request + reply) per two steps.</summary>
public sealed record Ping
{
    public static readonly Ping Instance = new();
}

public sealed record Pong
{
    public static readonly Pong Instance = new();
}

/// <summary>Answers every Ping with a Pong to its sender (a Tell, or the reply of an Ask).</summary>
public sealed class Ponger : Actor
{
    public Ponger() => Receive<Ping>(_ => Sender.Tell(Pong.Instance, Self));

    protected internal override bool TryReset() => true;
}

/// <summary>Tells Ping to its partner and answers each Pong with the next Ping, <see cref="Rounds"/> times.</summary>
public sealed class TellPinger : Actor
{
    private readonly int _rounds;
    private int _left;

    public TellPinger(ActorRef partner, int rounds)
    {
        _rounds = rounds;
        _left = rounds;
        Partner = partner;
        Receive<Pong>(_ =>
        {
            if (--_left > 0) Partner.Tell(Ping.Instance, Self);
        });
    }

    public ActorRef Partner { get; }
    public int Rounds => _rounds;

    protected internal override void PreStart() => Partner.Tell(Ping.Instance, Self);

    protected internal override bool TryReset()
    {
        _left = _rounds;
        return true;
    }
}

/// <summary>Awaits an Ask to its partner <see cref="Rounds"/> times inside one handler.</summary>
public sealed class AskPinger : Actor
{
    private readonly ActorRef _partner;
    public int Rounds { get; }
    public int Answered { get; private set; }

    public AskPinger(ActorRef partner, int rounds)
    {
        _partner = partner;
        Rounds = rounds;
        ReceiveAsync<Ping>(Loop);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask Loop(Ping _)
    {
        for (int i = 0; i < Rounds; i++)
        {
            await Ask<Pong>(_partner, Ping.Instance);
            Answered++;
        }
    }

    protected internal override void PreStart() => Self.Tell(Ping.Instance, Self);

    protected internal override bool TryReset()
    {
        Answered = 0;
        return true;
    }
}

using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// One flush_tlb_mm_range() request: the range and the CPUs to shoot down. Owned and refilled by its
/// initiator (at most one flush in flight per actor); the IPI and ack messages are preallocated with it.
/// </summary>
public sealed class ShootdownRequest
{
    public ShootdownRequest()
    {
        Ipi = new FlushIpi(this);
        Ack = new FlushAck(this);
    }

    public MmStruct Mm = null!;
    public int Start, End;
    public int Initiator = -1;
    internal ActorRef ReplyTo;
    internal int Pending;
    public FlushIpi Ipi { get; }
    public FlushAck Ack { get; }
    public override string ToString() => End == int.MaxValue ? "flush all" : $"flush [{Start:x}-{End:x})";
}

/// <summary>The TLB-flush IPI (an interrupt: it reaches a CPU suspended in a fault).</summary>
public sealed class FlushIpi(ShootdownRequest request)
{
    public ShootdownRequest Request { get; } = request;
    public override string ToString() => "ipi " + Request;
}

/// <summary>The IPI handler's acknowledgement (csd unlock).</summary>
public sealed class FlushAck(ShootdownRequest request)
{
    public ShootdownRequest Request { get; } = request;
    public override string ToString() => "ack " + Request;
}

/// <summary>Reply to the initiator once every target CPU has acknowledged.</summary>
public sealed class ShootdownDone
{
    public static readonly ShootdownDone Instance = new();
    public override string ToString() => "flushed";
}

/// <summary>
/// native_flush_tlb_multi() / smp_call_function_many(wait=true): sends the flush IPI to every other CPU of
/// the mm and answers the initiator when all have acknowledged. The initiator flushes its own TLB itself.
/// </summary>
public sealed class TlbShootdown : Actor
{
    public TlbShootdown()
    {
        Receive<ShootdownRequest>(OnRequest);
        Receive<FlushAck>(OnAck);
    }

    public long IpisSent { get; private set; }

    private void OnRequest(ShootdownRequest req)
    {
        req.ReplyTo = Sender;
        req.Pending = 0;
        var cpus = req.Mm.Cpus;
        for (int i = 0; i < cpus.Count; i++)
        {
            var c = cpus[i];
            if (c.Self.Id == req.Initiator) continue;
            c.Self.TellInterrupt(req.Ipi);
            req.Pending++;
            IpisSent++;
        }
        if (req.Pending == 0) req.ReplyTo.Tell(ShootdownDone.Instance, Self);
    }

    private void OnAck(FlushAck ack)
    {
        var r = ack.Request;
        if (--r.Pending == 0) r.ReplyTo.Tell(ShootdownDone.Instance, Self);
    }

    // It touches its own counters, the request its initiator filled before asking (ordered by the Ask) and the
    // mm's CPU list (fixed when the system is built); its IPIs are interrupts, which the runtime records.
    protected override bool StateIsPrivate => true;

    protected override bool TryReset()
    {
        IpisSent = 0;
        return true;
    }
}

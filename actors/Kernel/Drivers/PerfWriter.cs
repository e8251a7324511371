namespace StressVm.Kernel;

/// <summary>
/// The kernel side of the ring buffer: perf_output_begin/end on the event's CPU, one record per step,
/// into the data pages round-robin. It takes a buffer reference (ring_buffer_get under RCU) for each record
/// and drops records once the buffer is detached, as perf_output_begin() does with a NULL event-&gt;rb.
/// </summary>
public sealed class PerfWriter : KernelActor
{
    private readonly PerfRingBuffer _rb;
    private int _next;

    public sealed class Record
    {
        public static readonly Record Instance = new();
        public override string ToString() => "perf_output";
    }

    public PerfWriter(KernelState k, PerfRingBuffer rb) : base(k)
    {
        _rb = rb;
        Receive<Record>(OnRecord);
    }

    /// <summary>Records to write in a run.</summary>
    public int Records { get; set; } = 3;

    public void Start()
    {
        _next = 0;
        if (Records > 0) Self.Tell(Record.Instance, Self);
    }

    protected override bool TryReset()
    {
        _next = 0;
        return true;
    }

    private void OnRecord(Record _)
    {
        var rb = _rb;
        if (rb.Attached && rb.NrPages > 1)
        {
            rb.RbRefcount++; // ring_buffer_get()
            int pgoff = 1 + _next % (rb.NrPages - 1);
            var f = rb.PageAt(pgoff);
            if (f.Freed) System.ReportViolation(Invariants.UseAfterFree, $"perf_output wrote record into freed buffer page {f}", ActorId);
            rb.KernelWrite(pgoff);
            rb.RingBufferPut(this);
            Event("perf_output", $"record {_next} -> data page {pgoff}");
        }
        else rb.RecordsDropped++;
        if (++_next < Records) Self.Tell(Record.Instance, Self);
    }
}

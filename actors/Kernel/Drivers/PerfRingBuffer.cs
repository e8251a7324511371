using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// A perf event and its ring buffer (kernel/events/core.c, ring_buffer.c): one user control page
/// (struct perf_event_mmap_page) and 2^n data pages, the event's and the buffer's mmap counts
/// (perf_mmap_open/close) and the buffer's refcount, plus the writer actor that produces records.
/// Accounting follows v7.0-rc6 perf_mmap / perf_mmap_open / perf_mmap_close: event-&gt;mmap_count and
/// rb-&gt;mmap_count go up on every open and down on every close; only rb-&gt;aux_mmap_count depends on vm_pgoff
/// (the model has no AUX area, so no VMA may hold one). Oracles: the counts match the VMAs that really map the
/// buffer (B20), and no user store reaches a data page (Frame.UserReadOnly, judged at the store by the monitor).
/// </summary>
public sealed class PerfRingBuffer : DriverDevice
{
    private Frame[] _pages = [];

    public override string Name => "perf";

    public KernelState K { get; private set; } = null!;
    public PerfWriter Writer { get; private set; } = null!;
    /// <summary>event-&gt;rb (RCU pointer): null once the last mmap detached it.</summary>
    public bool Attached;
    /// <summary>The buffer exists (allocated by the first perf_mmap, freed by the last ring_buffer_put).</summary>
    public bool Allocated;
    /// <summary>event-&gt;mmap_count and rb-&gt;mmap_count.</summary>
    public int EventMmapCount, RbMmapCount;
    /// <summary>rb-&gt;aux_mmap_count: perf_mmap_open takes one for any VMA with vm_pgoff != 0 (the AUX area's offset).</summary>
    public int AuxMmapCount;
    /// <summary>rb-&gt;refcount: the event's attachment plus writers inside perf_output.</summary>
    public int RbRefcount;
    /// <summary>Pages of the buffer: 1 control page + data pages, fixed by the first mmap.</summary>
    public int NrPages => _pages.Length;
    public Frame PageAt(int pgoff) => _pages[pgoff];
    public ReadOnlySpan<Frame> Pages => _pages;
    /// <summary>The ops instance whose VMAs map this buffer (for the live-VMA count).</summary>
    internal VmOperations Ops = null!;
    internal MmStruct? Mm;

    public long RecordsWritten, RecordsDropped, MmapOpens, MmapCloses;

    public override void Attach(ActorSystem system, KernelState k)
    {
        K = k;
        Writer = new PerfWriter(k, this);
        var w = Writer;
        system.ActorOf(Props.Create(() => w), "perf_output");
    }

    public override void Reset(KernelState k, AddressSpace? mapping)
    {
        if (mapping is not null) mapping.Tracked = false; // buffer pages are not page cache
        _pages = [];
        Attached = Allocated = false;
        EventMmapCount = RbMmapCount = RbRefcount = AuxMmapCount = 0;
        RecordsWritten = RecordsDropped = MmapOpens = MmapCloses = 0;
        Mm = null;
    }

    public override void Start() => Writer.Start();

    /// <summary>
    /// perf_mmap() -&gt; perf_mmap_rb(): the first mmap allocates the buffer (rb_alloc) and attaches it; a later
    /// one of the same size maps the same buffer (refcount_inc of both counts). A mapping of another size or
    /// at vm_pgoff != 0 (the AUX area) is -EINVAL in the kernel; the loader refuses such a scenario.
    /// </summary>
    public void MmapRb(KernelState k, Vma vma)
    {
        Mm = vma.Mm;
        if (!Allocated)
        {
            int n = vma.Pages; // 1 + 2^n pages, as the first mmap asks
            _pages = new Frame[n];
            for (int i = 0; i < n; i++)
            {
                var f = k.AllocFrame(FrameKind.Normal); // rb pages: kernel allocations with a struct page
                f.Refcount = 1;                         // held by the buffer
                f.UserReadOnly = i > 0;                 // data pages: "others are read-only"
                f.KernelMappedType = k.Knobs.PerfMode == PerfMode.MixedmapTyped; // the proposed page type
                _pages[i] = f;
            }
            Allocated = Attached = true;
            RbRefcount = 1; // ring_buffer_attach(event, rb)
            EventMmapCount = RbMmapCount = 1;
        }
        else
        {
            EventMmapCount++;
            RbMmapCount++;
        }
        MmapOpens++;
    }

    /// <summary>perf_mmap_open() (vm_ops-&gt;open, e.g. on the new piece of a split): both counts, and aux_mmap_count if vm_pgoff.</summary>
    public void MmapOpen(KernelActor cur, Vma vma)
    {
        EventMmapCount++;
        RbMmapCount++;
        if (vma.Pgoff != 0)
        {
            // refcount_inc(&rb->aux_mmap_count) with no AUX area mapped: refcount_t's "addition on 0" WARN.
            if (AuxMmapCount == 0)
                cur.K.Warn(cur.ActorId, $"perf_mmap_open: refcount_inc(&rb->aux_mmap_count) on 0 for {vma.Name} at vm_pgoff {vma.Pgoff} (refcount_t: addition on 0; use-after-free)");
            AuxMmapCount++;
        }
        MmapOpens++;
    }

    /// <summary>
    /// perf_mmap_close(): aux_mmap_count only for the AUX area (rb_has_aux and vm_pgoff == aux_pgoff: never
    /// here); rb-&gt;mmap_count and event-&gt;mmap_count always. The last event mapping detaches the buffer
    /// (ring_buffer_attach(event, NULL) drops the event's reference).
    /// </summary>
    public void MmapClose(KernelActor cur, Vma vma)
    {
        MmapCloses++;
        RbMmapCount--;
        if (--EventMmapCount != 0) return; // refcount_dec_and_mutex_lock(&event->mmap_count): not the last
        Attached = false;   // ring_buffer_attach(event, NULL)
        RingBufferPut(cur); // its reference: could be the last
    }

    /// <summary>ring_buffer_put(): the last reference frees the pages (rb_free).</summary>
    public void RingBufferPut(KernelActor cur)
    {
        if (--RbRefcount > 0) return;
        foreach (var f in _pages)
        {
            f.Mapping = null; // perf_mmap_free_page(): page->mapping = NULL (legacy mode set it)
            cur.K.FolioPut(f, cur.ActorId);
        }
        Allocated = false;
    }

    /// <summary>The writer stores a record into data page <paramref name="pgoff"/> (through the kernel mapping).</summary>
    public void KernelWrite(int pgoff)
    {
        var f = _pages[pgoff];
        f.Content = ++K.StoreSeq;
        RecordsWritten++;
    }

    public override (string Invariant, string Detail)? AtEnd(KernelState k)
    {
        int live = 0;
        foreach (var mm in k.Mms) // every process that maps the buffer
            foreach (var v in mm.Vmas)
                if (v.Ops == Ops) live++;
        if (RbMmapCount != live || EventMmapCount != live)
            return (Invariants.Refcount,
                $"perf: rb->mmap_count {RbMmapCount}, event->mmap_count {EventMmapCount}, but {live} VMA(s) map the buffer" +
                (live == 0 && Allocated ? ": the buffer and its locked_vm are never released" : ""));
        if (AuxMmapCount != 0)
            return (Invariants.Refcount,
                $"perf: rb->aux_mmap_count {AuxMmapCount} with no AUX area mapped: perf_mmap_open took it for a VMA at vm_pgoff != 0 " +
                "and perf_mmap_close drops it only for the AUX area (rb_has_aux, vm_pgoff == aux_pgoff), so it leaks");
        return null;
    }

    public override void AddCounters(IDictionary<string, long> into)
    {
        Add(into, "perf-records", RecordsWritten);
        Add(into, "perf-records-dropped", RecordsDropped);
    }
}

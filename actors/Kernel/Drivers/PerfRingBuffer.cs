using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// A perf event and its ring buffer (kernel/events/core.c, ring_buffer.c): one user control page
/// (struct perf_event_mmap_page) and 2^n data pages, the event's and the buffer's mmap counts
/// (perf_mmap_open/close) and the buffer's refcount, plus the writer actor that produces records.
/// Oracles: the mmap counts match the VMAs that really map the buffer (B20), and no user store ever
/// reached a data page (they are read-only to user space).
/// </summary>
public sealed class PerfRingBuffer : DriverDevice
{
    private Frame[] _pages = [];
    private long[] _kernelWrote = [];

    public override string Name => "perf";

    public KernelState K { get; private set; } = null!;
    public PerfWriter Writer { get; private set; } = null!;
    /// <summary>event-&gt;rb (RCU pointer): null once the last mmap detached it.</summary>
    public bool Attached;
    /// <summary>The buffer exists (allocated by the first perf_mmap, freed by the last ring_buffer_put).</summary>
    public bool Allocated;
    /// <summary>event-&gt;mmap_count and rb-&gt;mmap_count.</summary>
    public int EventMmapCount, RbMmapCount;
    /// <summary>rb-&gt;refcount: the event's attachment plus writers inside perf_output.</summary>
    public int RbRefcount;
    /// <summary>Pages of the buffer: 1 control page + data pages, fixed by the first mmap.</summary>
    public int NrPages => _pages.Length;
    public Frame PageAt(int pgoff) => _pages[pgoff];
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
        EventMmapCount = RbMmapCount = RbRefcount = 0;
        RecordsWritten = RecordsDropped = MmapOpens = MmapCloses = 0;
        Mm = null;
    }

    public override void Start() => Writer.Start();

    /// <summary>perf_mmap() -&gt; perf_mmap_rb(): the first mmap allocates the buffer (rb_alloc) and attaches it.</summary>
    public void MmapRb(KernelState k, Vma vma)
    {
        Mm = vma.Mm;
        if (!Allocated)
        {
            int n = vma.Pages; // 1 + 2^n pages, as the first mmap asks
            _pages = new Frame[n];
            _kernelWrote = new long[n];
            for (int i = 0; i < n; i++)
            {
                var f = k.AllocFrame(FrameKind.Normal); // rb pages: kernel allocations with a struct page
                f.Refcount = 1;                         // held by the buffer
                _pages[i] = f;
            }
            Allocated = Attached = true;
            RbRefcount = 1; // ring_buffer_attach(event, rb)
            EventMmapCount = RbMmapCount = 1;
        }
        else
        {
            // A second mmap of the same event must use the same offset and size.
            if (vma.Pgoff != 0 || vma.Pages != NrPages) throw new InvalidOperationException("perf_mmap: a second mapping must match the first (EINVAL)");
            EventMmapCount++;
            RbMmapCount++;
        }
        MmapOpens++;
    }

    /// <summary>perf_mmap_open() (vm_ops-&gt;open, e.g. on the new half of a split).</summary>
    public void MmapOpen()
    {
        EventMmapCount++;
        RbMmapCount++;
        MmapOpens++;
    }

    /// <summary>
    /// perf_mmap_close(): drops the mmap counts for a VMA that covers the buffer as mapped (offset 0, full
    /// size); the last one detaches the buffer and puts it. A piece of a split VMA fails that match and
    /// drops nothing: the leak b024d7b56c77 closed by refusing splits.
    /// </summary>
    public void MmapClose(KernelActor cur, Vma vma)
    {
        MmapCloses++;
        if (vma.Pgoff != 0 || vma.Pages != NrPages) return;
        RbMmapCount--;
        EventMmapCount--;
        if (RbMmapCount == 0 && EventMmapCount == 0)
        {
            Attached = false;  // ring_buffer_attach(event, NULL)
            RingBufferPut(cur); // ring_buffer_put(rb): could be last
        }
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
        _kernelWrote[pgoff] = f.Content;
        RecordsWritten++;
    }

    public override (string Invariant, string Detail)? AtEnd(KernelState k)
    {
        for (int i = 1; i < _pages.Length; i++)
            if (_pages[i].Content != _kernelWrote[i])
                return (Invariants.WriteToReadonly,
                    $"user store {_pages[i].Content} reached perf data page {i} ({_pages[i]}), which user space may only read (perf_mmap_pfn_mkwrite/perf_mmap_fault must give SIGBUS)");
        int live = 0;
        if (Mm is not null)
            foreach (var v in Mm.Vmas)
                if (v.Ops == Ops) live++;
        if (RbMmapCount != live || EventMmapCount != live)
            return (Invariants.Refcount,
                $"perf: rb->mmap_count {RbMmapCount}, event->mmap_count {EventMmapCount}, but {live} VMA(s) map the buffer" +
                (live == 0 && Allocated ? ": the buffer and its locked_vm are never released" : ""));
        return null;
    }

    public override void AddCounters(IDictionary<string, long> into)
    {
        Add(into, "perf-records", RecordsWritten);
        Add(into, "perf-records-dropped", RecordsDropped);
    }
}

namespace StressVm.Kernel;

/// <summary>
/// The model's memory: frames, mms, files, and the lock-owner actors. Kernel code running in any actor
/// reads and writes it directly between scheduling points, as kernel code shares memory. Reused between
/// runs: <see cref="ResetMemory"/> restores it in place.
/// </summary>
public sealed class KernelState
{
    private Frame[] _frames = new Frame[32];
    private int _frameCount;
    private KernelEvent[] _events = new KernelEvent[16];
    private readonly List<Frame> _touched = new();

    public KernelState(KernelKnobs knobs) => Knobs = knobs;

    public KernelKnobs Knobs { get; set; }
    /// <summary>Faults of one access retried past this count are a livelock.</summary>
    public int LivelockBound { get; set; } = 16;

    public List<MmStruct> Mms { get; } = new();
    public List<AddressSpace> Files { get; } = new();
    /// <summary>What mmap instructions map (CpuOp.Target indexes it): built with the model, the same every run.</summary>
    public List<MmapRequest> MmapRequests { get; } = new();
    /// <summary>Driver devices (fb_info, perf event, DAX inode) whose oracles run at the end of a run.</summary>
    public List<DriverDevice> Devices { get; } = new();

    // Lock owners and helpers, wired by whoever builds the system.
    public LockOwner MmapLocks = null!;
    public LockOwner Ptls = null!;
    public LockOwner PageLocks = null!;
    public LockOwner IMmapLocks = null!;
    public VmaLockActor VmaLocks = null!;
    public TlbShootdown Shootdown = null!;
    public SchedActor Sched = null!;

    /// <summary>The shared zero page (pfn 0).</summary>
    public Frame ZeroPage => _frames[0];

    public int PteGeneration;
    /// <summary>A logical clock for ordering TLB fills against syscalls and walks.</summary>
    public long Clock;
    /// <summary>Last value stored: every store writes a fresh one.</summary>
    public long StoreSeq;
    private readonly List<string?> _storeLabels = new();

    // Counters for reports.
    public long Faults, Retries, Flushes, Ipis;

    public int FrameCount => _frameCount;
    public Frame FrameAt(int pfn) => _frames[pfn];
    public ReadOnlySpan<Frame> Frames => new(_frames, 0, _frameCount);

    public int EventCount { get; private set; }
    public ReadOnlySpan<KernelEvent> Events => new(_events, 0, EventCount);
    public List<Frame> Touched => _touched;

    /// <summary>Back to an empty machine holding only the zero page; mms and files keep their objects.</summary>
    public void ResetMemory()
    {
        _frameCount = 0;
        PageLocks?.ClearOwned();
        foreach (var mm in Mms) mm.Reset();
        foreach (var f in Files) f.Reset();
        PteGeneration = 0;
        Clock = 0;
        StoreSeq = 0;
        _storeLabels.Clear();
        Faults = Retries = Flushes = Ipis = 0;
        ClearEvents();
        var zero = AllocFrame(FrameKind.Zero);
        zero.Refcount = 1;
    }

    /// <summary>alloc_pages(): frames are never reused within a run, so a stale access always hits a freed frame.</summary>
    public Frame AllocFrame(FrameKind kind)
    {
        if (_frameCount == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        var f = _frames[_frameCount] ??= new Frame();
        f.Init(_frameCount, kind);
        _frameCount++;
        PageLocks?.Own(f.PageLock);
        f.PageLock.Name = $"page_lock(pfn {f.Pfn})";
        return f;
    }

    /// <summary>A fresh value for a user store by the instruction <paramref name="label"/> ("cpu0.1").</summary>
    public long NewStoreValue(string label)
    {
        long v = ++StoreSeq;
        while (_storeLabels.Count < v - 1) _storeLabels.Add(null); // values kernel code took with ++StoreSeq
        _storeLabels.Add(label);
        return v;
    }

    /// <summary>Who wrote <paramref name="value"/>: "0" (never written), the storing instruction, or "kernel" (write(2), a perf record).</summary>
    public string StoreLabel(long value) =>
        value == 0 ? "0" : value <= _storeLabels.Count && _storeLabels[(int)value - 1] is { } l ? l : "kernel";

    public void Emit(in KernelEvent e)
    {
        if (EventCount == _events.Length) Array.Resize(ref _events, _events.Length * 2);
        _events[EventCount++] = e;
    }

    public void Touch(Frame f)
    {
        if (!_touched.Contains(f)) _touched.Add(f);
    }

    public void ClearEvents()
    {
        if (EventCount > 0) Array.Clear(_events, 0, EventCount);
        EventCount = 0;
        _touched.Clear();
    }

    public void Warn(int actor, string detail, Frame? frame = null) =>
        Emit(new KernelEvent(EventKind.Warn, actor, frame, -1, Detail: detail));

    // --- folio reference and rmap accounting (mm/swap.c, mm/rmap.c) ---

    public void FolioGet(Frame f)
    {
        if (f.IsRefcounted) f.Refcount++;
        Touch(f);
    }

    /// <summary>folio_put(): the last reference frees the frame.</summary>
    public void FolioPut(Frame f, int actor)
    {
        if (!f.IsRefcounted) return;
        Touch(f);
        if (--f.Refcount == 0)
        {
            f.Freed = true;
            Emit(new KernelEvent(EventKind.FrameFreed, actor, f, -1));
        }
        else if (f.Refcount < 0) Warn(actor, "folio_put: refcount underflow", f);
    }

    /// <summary>folio_add_file_rmap_ptes / folio_add_new_anon_rmap.</summary>
    public void FolioAddRmap(Frame f)
    {
        if (!f.IsRefcounted) return;
        f.Mapcount++;
        Touch(f);
    }

    /// <summary>folio_remove_rmap_ptes; a negative mapcount is print_bad_pte().</summary>
    public void FolioRemoveRmap(Frame f, int actor)
    {
        if (!f.IsRefcounted) return;
        Touch(f);
        if (--f.Mapcount < 0) Warn(actor, "zap_present_folio_ptes: folio_mapcount < 0 (print_bad_pte)", f);
    }

    /// <summary>folio_mark_dirty().</summary>
    /// <summary>folio_mark_dirty(): __mark_inode_dirty wakes the file's flusher (wb_wakeup_delayed).</summary>
    public void FolioMarkDirty(Frame f)
    {
        bool was = f.Dirty;
        f.Dirty = true;
        Touch(f);
        if (!was) f.Mapping?.Flusher?.Kick();
    }
}

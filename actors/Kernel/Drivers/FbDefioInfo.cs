using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// struct fb_info with its fb_deferred_io (drivers/video/fbdev/core/fb_defio.c): the display memory
/// (vmalloc pages), the pagerefs and their list under fbdefio-&gt;lock, fbdefio-&gt;mapping (saved at open,
/// v6.15+), the delayed work, and the device: what deferred_io() last copied out of each page. The oracle
/// compares that copy with memory at the end: a store that never reached the device is lost damage.
/// </summary>
public sealed class FbDefioInfo : DriverDevice
{
    private Frame[] _pages = [];
    private FbDefioPageref[] _pagerefs = [];
    private long[] _device = [];

    public override string Name => "fb_defio";

    /// <summary>fbdefio-&gt;lock ("protect against the workqueue changing the page list").</summary>
    public LockState Lock { get; } = new("fbdefio->lock", LockKind.Mutex);
    /// <summary>fbdefio-&gt;pagereflist, in list order.</summary>
    public List<FbDefioPageref> PagerefList { get; } = new();
    /// <summary>fbdefio-&gt;mapping (v6.15+: file-&gt;f_mapping saved in fb_deferred_io_open).</summary>
    public AddressSpace? Mapping { get; private set; }
    public FbDeferredIoWork Worker { get; private set; } = null!;
    /// <summary>WORK_STRUCT_PENDING of info-&gt;deferred_work.</summary>
    public bool WorkPending;
    public KernelState K { get; private set; } = null!;
    /// <summary>Where the faulting task may be preempted after dropping fbdefio->lock (see <see cref="PreemptionPoint"/>).</summary>
    public PreemptionPoint Preempt { get; } = new();

    public int NPagerefs => _pagerefs.Length;
    public Frame PageAt(int pgoff) => _pages[pgoff];
    public FbDefioPageref PagerefAt(int pgoff) => _pagerefs[pgoff];
    public long DeviceCopy(int pgoff) => _device[pgoff];

    // Counters of the last run.
    public long WorkRuns, PagesCopied, Mkwrites;

    public override void Attach(ActorSystem system, KernelState k)
    {
        K = k;
        Worker = new FbDeferredIoWork(k, this);
        var w = Worker;
        system.ActorOf(Props.Create(() => w), "fb_deferred_io_work");
    }

    /// <summary>fb_deferred_io_init() + fb_deferred_io_open(): fresh display memory and pagerefs.</summary>
    public override void Reset(KernelState k, AddressSpace? mapping)
    {
        Mapping = mapping ?? throw new InvalidOperationException("an fbdefio VMA needs a file (the fb device node)");
        mapping.Tracked = false; // display memory is not page cache: this device's own oracle checks it
        int n = mapping.Pages.Length;
        if (_pages.Length != n)
        {
            _pages = new Frame[n];
            _pagerefs = new FbDefioPageref[n];
            for (int i = 0; i < n; i++) _pagerefs[i] = new FbDefioPageref();
            _device = new long[n];
        }
        bool pfn = k.Knobs.FbdefioBacking == FbdefioBacking.Pfn;
        for (int i = 0; i < n; i++)
        {
            // vmalloc()ed screen buffer (the driver holds one reference), or a DMA carveout with no struct page.
            var f = k.AllocFrame(pfn ? FrameKind.Device : FrameKind.Normal);
            if (!pfn) f.Refcount = 1;
            _pages[i] = f;
            _pagerefs[i].Reset(i);
        }
        Array.Clear(_device);
        PagerefList.Clear();
        Lock.Reset();
        k.PageLocks.Own(Lock); // ResetMemory dropped the page-lock owner's list
        Preempt.Reset(k);
        WorkPending = false;
        WorkRuns = PagesCopied = Mkwrites = 0;
    }

    /// <summary>schedule_delayed_work(&amp;info-&gt;deferred_work, delay): queues the work unless it is already pending.</summary>
    public void ScheduleDelayedWork(KernelActor cur)
    {
        if (WorkPending) return;
        WorkPending = true;
        Worker.Self.Tell(FbDeferredIoWork.Run.Instance, cur.Self);
    }

    /// <summary>The driver's deferred_io() callback: copy every listed page to the device.</summary>
    public void DeferredIo()
    {
        foreach (var pr in PagerefList)
        {
            _device[pr.Pgoff] = pr.Page!.Content;
            PagesCopied++;
        }
    }

    /// <summary>Lost damage: a page whose memory differs from what the device last received.</summary>
    public override (string Invariant, string Detail)? AtEnd(KernelState k)
    {
        for (int i = 0; i < _pages.Length; i++)
        {
            var p = _pages[i];
            if (p.Content == _device[i]) continue;
            bool listed = _pagerefs[i].Linked;
            EndFrame = p;
            return (Invariants.LostWrite,
                $"fb page {i} ({p}) holds store {p.Content} but the device last got {_device[i]}: the damage was never " +
                $"handed to deferred_io ({(listed ? "still listed, but no work is queued" : "not on the pageref list, and the PTE stays writable so no fault will list it")})");
        }
        return null;
    }

    public override void AddCounters(IDictionary<string, long> into)
    {
        Add(into, "fbdefio-work-runs", WorkRuns);
        Add(into, "fbdefio-pages-copied", PagesCopied);
        Add(into, "fbdefio-mkwrites", Mkwrites);
    }
}

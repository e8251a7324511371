using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>Self-message: run one writeback pass over the mapping.</summary>
public sealed class WritebackPass
{
    public static readonly WritebackPass Instance = new();
    public override string ToString() => "writeback pass";
}

/// <summary>
/// A flusher thread (a kernel thread: no user TLB) writing back one shared file, woken when a page of it
/// becomes dirty, for at most Passes passes: for each dirty page,
/// folio_lock, folio_clear_dirty_for_io (write-protect walk, then clear PG_dirty), copy to disk if the
/// filesystem still has its per-page state, drop that state, folio_unlock.
/// </summary>
public sealed class WritebackActor : KernelActor
{
    public WritebackActor(KernelState k, string name) : base(k)
    {
        Name = name;
        ReceiveAsync<WritebackPass>(OnPass);
    }

    public string Name { get; }
    public AddressSpace Mapping { get; set; } = null!;
    public int Passes { get; set; } = 1;
    public WalkKind WalkKind { get; set; } = WalkKind.FolioMkclean;
    public int PassesDone { get; private set; }
    public int PagesWritten { get; private set; }

    private bool _queued;
    private int _started;

    /// <summary>From the run's start action: a first pass if something is already dirty.</summary>
    public void Start()
    {
        foreach (var p in Mapping.Pages)
            if (p is not null && p.Dirty) { Kick(); return; }
    }

    /// <summary>wb_wakeup: queue a pass unless one is queued or the pass budget is spent.</summary>
    public void Kick()
    {
        if (_queued || _started >= Passes) return;
        _queued = true;
        _started++;
        Self.Tell(WritebackPass.Instance);
    }

    protected override bool TryReset()
    {
        PassesDone = 0;
        PagesWritten = 0;
        _queued = false;
        _started = 0;
        return true;
    }

    protected override string DescribeState() => $"pass {PassesDone}/{Passes}";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnPass(WritebackPass _)
    {
        _queued = false;
        Begin("writeback", Mapping.Name);
        var pages = Mapping.Pages;
        for (int index = 0; index < pages.Length; index++)
        {
            var page = pages[index];
            if (page is null || !page.Dirty) continue; // the xarray's dirty tag, read without locks
            await WritePage(page).ConfigureAwait(false);
        }
        End("writeback");
        PassesDone++;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WritePage(Frame page)
    {
        bool pageLock = WalkKind == WalkKind.FolioMkclean;
        if (pageLock) await FolioLock(page);
        if (await FolioClearDirtyForIo(page).ConfigureAwait(false))
        {
            // The filesystem writes what it prepared in ->page_mkwrite; without that state it cannot.
            if (page.FsPrivate)
            {
                page.DiskContent = page.Content;
                page.FsPrivate = false;
                PagesWritten++;
                Event("write", page.ToString());
            }
        }
        if (pageLock) FolioUnlock(page);
    }

    /// <summary>folio_clear_dirty_for_io(): if the walk cleaned a dirty PTE, folio_mark_dirty; then test-and-clear PG_dirty.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FolioClearDirtyForIo(Frame page)
    {
        int cleaned;
        switch (WalkKind)
        {
            case WalkKind.FolioMkclean:
                cleaned = await Rmap.FolioMkclean(this, page).ConfigureAwait(false);
                break;
            case WalkKind.MappingWrprotectRange:
                cleaned = await Rmap.MappingWrprotectRange(this, page.Mapping!, page.Index, page.Pfn, 1).ConfigureAwait(false);
                break;
            default:
                // DAX style: hold i_mmap_rwsem and call pfn_mkclean_range per VMA.
                Walk.Start("pfn_mkclean_range", page);
                await Lock(Mapping.IMmapRwsem, LockMode.Read);
                cleaned = 0;
                foreach (var vma in Mapping.IMmap)
                    cleaned += await Rmap.PfnMkcleanRange(this, page.Pfn, 1, page.Index, vma).ConfigureAwait(false);
                Unlock(Mapping.IMmapRwsem);
                Rmap.Done(this, cleaned);
                break;
        }
        if (cleaned > 0) K.FolioMarkDirty(page);
        bool wasDirty = page.Dirty;
        page.Dirty = false;
        K.Touch(page);
        return wasDirty;
    }
}

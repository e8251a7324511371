using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// fb_deferred_io_work(): the delayed work (a kworker: no mm, no user TLB). Under fbdefio-&gt;lock it
/// write-protects every listed page, hands the list to the driver's deferred_io() (the device copy), and
/// empties the list. v7.0: mapping_wrprotect_range() with no page lock; v6.14: folio_lock, folio_mkclean,
/// folio_unlock, which waits out a page_mkwrite that has not yet made its PTE writable.
/// </summary>
public sealed class FbDeferredIoWork : KernelActor
{
    private readonly FbDefioInfo _info;

    /// <summary>The work item firing (after its delay: the model has no time, so any later step).</summary>
    public sealed class Run
    {
        public static readonly Run Instance = new();
        public override string ToString() => "deferred_work";
    }

    public FbDeferredIoWork(KernelState k, FbDefioInfo info) : base(k)
    {
        _info = info;
        ReceiveAsync<Run>(OnWork);
    }

    protected override bool TryReset() => true;

    protected override string DescribeState() => $"{_info.PagerefList.Count} page(s) listed";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnWork(Run _)
    {
        var info = _info;
        info.WorkPending = false; // the workqueue clears PENDING before calling the function
        info.WorkRuns++;
        Begin("fb_deferred_io_work");
        await Lock(info.Lock);
        bool v614 = K.Knobs.FbdefioVersion == FbdefioVersion.V6_14;
        var list = info.PagerefList;
        for (int i = 0; i < list.Count; i++)
        {
            var pageref = list[i];
            if (!pageref.Linked)
            {
                // list_for_each_entry() follows pageref->list.next, which INIT_LIST_HEAD pointed at itself:
                // the kernel spins here forever (or corrupts the list in list_del_init below).
                K.Warn(ActorId, $"pagereflist corrupted: pageref {pageref.Pgoff} is on the list but its list_head was re-initialised", pageref.Page);
                break;
            }
            var page = pageref.Page!;
            if (v614)
            {
                await FolioLock(page);
                await Rmap.FolioMkclean(this, page).ConfigureAwait(false);
                FolioUnlock(page);
            }
            else
            {
                await Rmap.MappingWrprotectRange(this, info.Mapping!, pageref.Pgoff, page.Pfn, 1).ConfigureAwait(false);
            }
        }
        info.DeferredIo(); // fbdefio->deferred_io(info, &fbdefio->pagereflist)
        foreach (var pr in list) pr.Linked = false; // fb_deferred_io_pageref_put: list_del_init
        list.Clear();
        Unlock(info.Lock);
        End("fb_deferred_io_work");
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// The writeback of a file's dirty pages, shared by the flusher thread and msync(MS_SYNC):
/// write_cache_pages -&gt; folio_lock, folio_clear_dirty_for_io (write-protect walk, then clear PG_dirty),
/// write the page if the filesystem still has its per-page state, drop that state, folio_unlock.
/// </summary>
public static class WritebackOps
{
    /// <summary>Writes back the dirty pages with index in [from, to); returns how many were written.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> WriteRange(KernelActor cur, AddressSpace mapping, WalkKind walk, int from, int to)
    {
        int written = 0;
        var pages = mapping.Pages;
        for (int index = Math.Max(0, from); index < Math.Min(to, pages.Length); index++)
        {
            var page = pages[index];
            if (page is null || !page.Dirty) continue; // the xarray's dirty tag, read without locks
            if (await WritePage(cur, mapping, walk, page).ConfigureAwait(false)) written++;
        }
        return written;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> WritePage(KernelActor cur, AddressSpace mapping, WalkKind walk, Frame page)
    {
        bool pageLock = walk == WalkKind.FolioMkclean;
        bool written = false;
        if (pageLock) await cur.FolioLock(page);
        if (await FolioClearDirtyForIo(cur, mapping, walk, page).ConfigureAwait(false) && page.FsPrivate)
        {
            // The filesystem writes what it prepared in ->page_mkwrite; without that state it cannot.
            page.DiskContent = page.Content;
            page.FsPrivate = false;
            written = true;
            cur.Event("write", page.ToString());
        }
        if (pageLock) await cur.FolioUnlockWake(page).ConfigureAwait(false);
        return written;
    }

    /// <summary>folio_clear_dirty_for_io(): if the walk cleaned a dirty PTE, folio_mark_dirty; then test-and-clear PG_dirty.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FolioClearDirtyForIo(KernelActor cur, AddressSpace mapping, WalkKind walk, Frame page)
    {
        int cleaned;
        switch (walk)
        {
            case WalkKind.FolioMkclean:
                cleaned = await Rmap.FolioMkclean(cur, page).ConfigureAwait(false);
                break;
            case WalkKind.MappingWrprotectRange:
                cleaned = await Rmap.MappingWrprotectRange(cur, mapping, page.Index, page.Pfn, 1).ConfigureAwait(false);
                break;
            default:
                // DAX style: hold i_mmap_rwsem and call pfn_mkclean_range per VMA.
                Rmap.Start(cur, "pfn_mkclean_range", page);
                await cur.Lock(mapping.IMmapRwsem, LockMode.Read);
                cleaned = 0;
                foreach (var vma in mapping.IMmap)
                    cleaned += await Rmap.PfnMkcleanRange(cur, page.Pfn, 1, page.Index, vma).ConfigureAwait(false);
                await cur.UnlockWake(mapping.IMmapRwsem).ConfigureAwait(false);
                Rmap.Done(cur, cleaned);
                break;
        }
        if (cleaned > 0) cur.K.FolioMarkDirty(page);
        bool wasDirty = page.Dirty;
        page.Dirty = false;
        cur.K.Touch(page);
        return wasDirty;
    }
}

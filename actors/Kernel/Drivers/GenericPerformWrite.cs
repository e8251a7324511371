using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// write(2) to a page-cache file (v7.0-rc6 shmem_file_write_iter, mm/shmem.c -&gt; generic_perform_write,
/// mm/filemap.c): the data is copied into the very folio a shared mapping of the file maps, so a later load
/// through the mapping sees it. Per page: -&gt;write_begin finds or allocates the folio and returns it locked
/// and referenced, copy_folio_from_iter_atomic() copies, -&gt;write_end marks it dirty, unlocks and puts it.
/// inode_lock() is not modelled: its only other taker here would be a second write(2) to the same file, which
/// the folio lock already orders page by page.
/// </summary>
public static class GenericPerformWrite
{
    /// <summary>Writes file pages [<paramref name="index"/>, +<paramref name="pages"/>) below i_size.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask Write(KernelActor cur, AddressSpace mapping, int index, int pages)
    {
        var k = cur.K;
        int end = Math.Min(mapping.Pages.Length, index + pages);
        cur.Begin("write", $"{mapping.Name}[{index}..{end})");
        for (int i = index; i < end; i++)
        {
            // ->write_begin: shmem_write_begin -> shmem_get_folio(SGP_WRITE), or a block filesystem's
            // block_write_begin -> __filemap_get_folio(FGP_WRITEBEGIN): the folio, locked, with a reference.
            var folio = FilemapOps.FindOrCreatePage(k, mapping, i);
            k.FolioGet(folio);
            await cur.FolioLock(folio);
            // The filesystem's per-page state for writeback (block_write_begin attaches buffers), as ->page_mkwrite sets it.
            folio.FsPrivate = true;
            // copy_folio_from_iter_atomic(): the new data, in the folio every mapping of this index shows.
            folio.Content = ++k.StoreSeq;
            k.Touch(folio);
            // ->write_end: shmem_write_end / block_write_end: folio_mark_dirty, folio_unlock, folio_put.
            k.FolioMarkDirty(folio);
            await cur.FolioUnlockWake(folio).ConfigureAwait(false);
            k.FolioPut(folio, cur.ActorId);
        }
        cur.End("write");
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// write(2) to a DAX file (dax_iomap_rw -&gt; iomap_iter -&gt; dax_iomap_iter), the CPU0 side of B16: the
/// filesystem allocates blocks under holes (IOMAP_F_NEW), then invalidate_inode_pages2_range() deletes the
/// clean entries (dax_invalidate_mapping_entry_sync, under each entry lock) and only at its end unmaps the
/// page tables ("For DAX we invalidate page tables after invalidating page cache"); then the data is copied
/// with cache flushing (durable at return). A fault in between finds no entry but a zero-page PTE.
/// </summary>
public static class DaxFileWrite
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask Write(KernelActor cur, DaxInode inode, int index, int pages)
    {
        var k = cur.K;
        int end = Math.Min(inode.Pages, index + pages);
        cur.Begin("write", $"{inode.Mapping.Name}[{index}..{end})");
        bool isNew = false;
        for (int i = index; i < end; i++)
        {
            isNew |= inode.BlockAt(i) is null;
            inode.AllocateBlock(i); // xfs_file_iomap_begin: allocates blocks
        }
        if (isNew)
        {
            // invalidate_inode_pages2_range(): drop the entries...
            for (int i = index; i < end; i++)
            {
                var entry = inode.EntryOf(i);
                await cur.Lock(entry.Lock);
                // __dax_invalidate_entry(trunc = false): entries tagged DIRTY or TOWRITE are kept.
                if (entry.Kind != DaxEntryKind.Pfn || !(entry.Dirty || entry.ToWrite)) entry.Kind = DaxEntryKind.Empty;
                cur.Unlock(entry.Lock);
            }
            // ...then the page tables, for the whole range at the end (the task may be preempted first).
            await inode.Preempt.Here(cur).ConfigureAwait(false);
            await DaxUnmapMappingPages.Unmap(cur, inode.Mapping, index, end - index).ConfigureAwait(false);
        }
        // dax_copy_from_iter(): copy_from_iter_flushcache, durable once write(2) returns.
        for (int i = index; i < end; i++)
        {
            var block = inode.BlockAt(i)!;
            block.Content = ++k.StoreSeq;
            block.DiskContent = block.Content;
        }
        cur.End("write");
    }
}

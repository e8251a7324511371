using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// fsync(2) on a DAX file: dax_writeback_mapping_range() -&gt; dax_writeback_one() for every DIRTY entry.
/// dax_writeback_one (fs/dax.c): lock the entry ("serialize with page faults"), clear TOWRITE, under
/// i_mmap_rwsem pfn_mkclean_range() every VMA that maps [index, index + count), dax_flush the blocks,
/// clear DIRTY, unlock. At return the oracle checks that what was stored before the fsync began is durable.
/// </summary>
public static class DaxWritebackOne
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask WritebackMappingRange(KernelActor cur, DaxInode inode)
    {
        cur.Begin("fsync", inode.Mapping.Name);
        var snapshot = inode.SnapshotForFsync();
        inode.FsyncPasses++;
        for (int g = 0; g < inode.EntryCount; g++)
        {
            var entry = inode.EntryAt(g);
            if (!entry.Dirty) continue; // the DIRTY tag, read under the xarray lock
            await WritebackOne(cur, inode, entry).ConfigureAwait(false);
        }
        cur.End("fsync");
        inode.CheckDurable(snapshot);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask WritebackOne(KernelActor cur, DaxInode inode, DaxEntry entry)
    {
        var k = cur.K;
        await cur.Lock(entry.Lock); // dax_lock_entry(): serialize with page faults
        if (!entry.Dirty || entry.Kind != DaxEntryKind.Pfn)
        {
            cur.Unlock(entry.Lock); // another fsync did it, or the entry was invalidated meanwhile
            return;
        }
        entry.ToWrite = false;
        int index = entry.Index, count = entry.Count;
        // "Walk all mappings of a given index of a file and writeprotect them" over [index, index + count - 1];
        // knob B19 (before 06083a0921fd): only VMAs that map the first index.
        int last = k.Knobs.DaxWrprotectFirstIndexOnly ? index : index + count - 1;
        var mapping = inode.Mapping;
        Rmap.Start(cur, "pfn_mkclean_range", k.FrameAt(entry.BasePfn));
        await cur.Lock(mapping.IMmapRwsem, LockMode.Read);
        int cleaned = 0;
        var list = mapping.IMmap;
        for (int i = 0; i < list.Count; i++)
        {
            var vma = list[i];
            if (vma.Pgoff > last || vma.Pgoff + vma.Pages <= index) continue; // vma_interval_tree_foreach
            cleaned += await Rmap.PfnMkcleanRange(cur, entry.BasePfn, count, index, vma).ConfigureAwait(false);
        }
        cur.Unlock(mapping.IMmapRwsem);
        Rmap.Done(cur, cleaned);
        // dax_flush(): the CPU cache lines of the blocks reach the persistence domain.
        for (int i = 0; i < count; i++)
        {
            var b = inode.BlockAt(index + i);
            if (b is not null) b.DiskContent = b.Content;
        }
        inode.EntriesFlushed++;
        entry.Dirty = false; // xas_clear_mark(PAGECACHE_TAG_DIRTY)
        cur.Unlock(entry.Lock);
        cur.Event("dax_writeback_one", $"{mapping.Name}[{index}+{count}] cleaned {cleaned}");
    }
}

using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// msync(MS_SYNC) (mm/msync.c): find the VMAs under mmap_lock, drop it, and for each shared file VMA
/// vfs_fsync_range() -&gt; filemap_write_and_wait_range() over the pages it maps, from this CPU.
/// </summary>
public static class MsyncSyscall
{
    /// <summary>Returns 0, or -ENOMEM when part of the range is unmapped (msync's unmapped_error).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Msync(KernelActor cur, MmStruct mm, int start, int end)
    {
        cur.Begin("msync", $"[{start:x}-{end:x})");
        var vmas = cur.ScratchVmas;
        vmas.Clear();
        await cur.Lock(mm.MmapLock, LockMode.Read);
        int ret = mm.FullyMapped(start, end) ? 0 : -Errnos.ENOMEM;
        foreach (var v in mm.Vmas)
            if (v.Start < end && v.End > start && v.IsShared && v.Mapping is not null) vmas.Add(v);
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false); // get_file(); mmap_read_unlock(); vfs_fsync_range()
        for (int i = 0; i < vmas.Count; i++)
        {
            var v = vmas[i];
            int from = v.PgoffOf(Math.Max(start, v.Start)), to = v.PgoffOf(Math.Min(end, v.End));
            await WritebackOps.WriteRange(cur, v.Mapping!, WalkKind.FolioMkclean, from, to).ConfigureAwait(false);
        }
        cur.End("msync");
        return ret;
    }
}

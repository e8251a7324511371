using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// __split_vma() (mm/vma.c), as vms_gather_munmap_vmas() uses it for a munmap that covers part of a VMA:
/// vm_ops-&gt;may_split may veto (-EINVAL); else the VMA is write-locked, a copy takes [addr, end) with its
/// vm_pgoff advanced, joins the tree and i_mmap, and vm_ops-&gt;open runs on it. Page tables are untouched.
/// </summary>
public static class SplitVma
{
    /// <summary>Splits every VMA straddling <paramref name="start"/> or <paramref name="end"/>; false = a driver vetoed (EINVAL).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> SplitForRange(KernelActor cur, MmStruct mm, int start, int end)
    {
        // may_split is asked before anything changes, as vms_gather_munmap_vmas() fails early.
        foreach (var v in mm.Vmas)
        {
            if (v.Start < start && v.End > start && v.Ops is { } o1 && !o1.MaySplit(v, start)) return false;
            if (v.Start < end && v.End > end && v.Ops is { } o2 && !o2.MaySplit(v, end)) return false;
        }
        for (int i = 0; i < mm.Vmas.Count; i++)
        {
            var v = mm.Vmas[i];
            if (v.Start < start && v.End > start) await Split(cur, mm, v, start).ConfigureAwait(false);
            else if (v.Start < end && v.End > end) await Split(cur, mm, v, end).ConfigureAwait(false);
        }
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Split(KernelActor cur, MmStruct mm, Vma vma, int addr)
    {
        await cur.VmaStartWrite(vma); // faults under the VMA lock must not see it change
        var tail = new Vma
        {
            Name = vma.Name + "'", Mm = mm, Start = addr, End = vma.End, Flags = vma.Flags, Ops = vma.Ops,
            Pgoff = vma.PgoffOf(addr), Mapping = vma.Mapping, PageProt = vma.PageProt,
        };
        tail.ResetLock();
        tail.LockSeq = mm.MmLockSeq; // vma_start_write(new): locked until mmap_write_unlock
        if (vma.Mapping is { } mapping)
        {
            await cur.Lock(mapping.IMmapRwsem, LockMode.Write); // vma_link_file / i_mmap update
            vma.End = addr;
            mapping.IMmap.Add(tail);
            cur.Unlock(mapping.IMmapRwsem);
        }
        else vma.End = addr;
        mm.InsertVma(tail);
        tail.Ops?.Open(cur, tail); // new->vm_ops->open(new)
        cur.Event("split_vma", $"{vma} + {tail}");
    }
}

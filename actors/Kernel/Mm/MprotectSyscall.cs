using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// mprotect(2) (mm/mprotect.c), whole VMAs only: mmap_lock for write, vma_start_write, new vm_flags,
/// change_protection() write-protecting present PTEs under their PTL through an mmu_gather, flush.
/// </summary>
public static class MprotectSyscall
{
    /// <summary>Returns 0, or -ENOMEM when part of the range is unmapped (do_mprotect_pkey, checked under mmap_lock).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<int> Mprotect(KernelActor cur, MmStruct mm, int start, int end, bool write)
    {
        var k = cur.K;
        cur.Begin("mprotect", $"[{start:x}-{end:x}) {(write ? "RW" : "RO")}");
        await cur.Lock(mm.MmapLock, LockMode.Write);
        mm.MmLockSeq++;
        int ret = mm.FullyMapped(start, end) ? 0 : -Errnos.ENOMEM;
        var vmas = cur.ScratchVmas;
        vmas.Clear();
        foreach (var v in mm.Vmas)
            if (v.Start < end && v.End > start) vmas.Add(v);
        var tlb = cur.Gather;
        MmuGatherOps.TlbGatherMmu(tlb, mm);
        foreach (var v in vmas)
        {
            await cur.VmaStartWrite(v);
            if (write)
            {
                v.Flags |= VmFlags.Write;
                v.ReadOnlyCommitted = false;
                PgProt.VmaSetPageProt(v); // mprotect_fixup -> vma_set_page_prot
                continue; // upgrades happen lazily, by write faults
            }
            v.Flags &= ~VmFlags.Write;
            PgProt.VmaSetPageProt(v); // mprotect_fixup -> vma_set_page_prot
            // change_pte_range(): one PTL hold per PTE table.
            for (int lo = v.Start; lo < v.End;)
            {
                int hi = Math.Min(v.End, lo - lo % PageTable.PtrsPerPte + PageTable.PtrsPerPte);
                await cur.PteLock(mm, lo);
                for (int vpn = lo; vpn < hi; vpn++)
                {
                    var pte = mm.GetPte(vpn);
                    if (!pte.Present || !pte.Write) continue;
                    pte.Write = false;
                    mm.SetPte(vpn, pte, cur.ActorId);
                    tlb.RemoveTlbEntry(vpn);
                }
                cur.PteUnlock(mm, lo);
                lo = hi;
            }
        }
        await MmuGatherOps.TlbFinishMmu(cur, tlb).ConfigureAwait(false);
        mm.MmLockSeq++; // mmap_write_unlock -> vma_end_write_all
        await cur.UnlockWake(mm.MmapLock).ConfigureAwait(false);
        if (!write) foreach (var v in vmas) v.ReadOnlyCommitted = true;
        cur.End("mprotect");
        return ret;
    }
}

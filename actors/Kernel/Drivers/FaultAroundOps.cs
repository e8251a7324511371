using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A page-cache file whose vm_ops has -&gt;map_pages = filemap_map_pages, so a read fault first maps the
/// cached neighbours (do_read_fault -&gt; do_fault_around). The file is warm: its pages are in the page
/// cache before the run. Prefaulted PTEs are old when arch_wants_old_prefaulted_pte()
/// (stressvm.kernel.faultaround.old-ptes: 46bdb4277f98 + arm64's 0388f9c74330), young otherwise (x86).
/// -&gt;fault and -&gt;page_mkwrite are filemap's.
/// </summary>
public sealed class FaultAroundOps : VmOperations
{
    private readonly FaultAroundStats _stats = new();

    public override string Name => "filemap-faultaround";
    public override bool HasFault => true;
    public override bool HasPageMkwrite => true;
    public override bool HasMapPages => true;
    public override DriverDevice Device => _stats;

    /// <summary>
    /// generic_file_mmap() maps nothing; the model makes the file warm here: it was read before, so every page of
    /// the mapped range is cached and uptodate.
    /// </summary>
    public override int Mmap(KernelState k, Vma vma, int actor)
    {
        for (int i = 0; i < vma.Pages; i++)
        {
            int index = vma.Pgoff + i;
            if (index < vma.Mapping!.Pages.Length) FilemapOps.FindOrCreatePage(k, vma.Mapping, index);
        }
        return 0;
    }

    public override ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf) => FilemapOps.Instance.Fault(cur, vmf);

    public override ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf) => FilemapOps.Instance.PageMkwrite(cur, vmf);

    public override ValueTask FileWrite(KernelActor cur, Vma vma, int pgoff, int pages) => FilemapOps.Instance.FileWrite(cur, vma, pgoff, pages);

    /// <summary>
    /// filemap_map_pages() over [startVpn, endVpn): under RCU, next_uptodate_folio() skips absent and locked
    /// folios (trylock); the PTL is taken once; only pte_none slots are filled, via set_pte_range():
    /// prefault and arch_wants_old_prefaulted_pte() -&gt; pte_mkold, else pte_sw_mkyoung. NOPAGE iff the
    /// faulting address itself got mapped.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<VmFault> MapPages(KernelActor cur, Vmf vmf, int startVpn, int endVpn)
    {
        var k = cur.K;
        var vma = vmf.Vma;
        var mm = vmf.Mm;
        var mapping = vma.Mapping!;
        bool oldPtes = k.Knobs.FaultaroundOldPtes;
        var ret = VmFault.None;
        await cur.PteLock(mm, vmf.Vpn); // one PTE table: do_fault_around clamps the window to it
        FaultEntry.VmaUse(cur, vma);
        for (int vpn = startVpn; vpn < endVpn; vpn++)
        {
            int index = vma.PgoffOf(vpn);
            if (index >= mapping.Pages.Length) break; // beyond i_size
            var folio = mapping.Pages[index];
            if (folio is null || folio.PageLock.IsLocked) continue; // not cached, or folio_trylock() fails
            if (!mm.GetPte(vpn).IsNone) continue;
            bool prefault = vpn != vmf.Vpn;
            bool old = prefault && oldPtes;
            bool write = vma.IsShared && vma.IsWritable && !vma.WantsWritenotify; // vm_page_prot
            k.FolioGet(folio);
            k.FolioAddRmap(folio); // folio_add_file_rmap_ptes
            mm.SetPte(vpn, new Pte { Present = true, Pfn = folio.Pfn, Write = write, Young = !old }, cur.ActorId);
            if (prefault) _stats.RecordPrefault(mm, vpn, folio.Pfn, old);
            else ret = VmFault.NoPage;
        }
        cur.PteUnlock(mm, vmf.Vpn);
        return ret;
    }
}

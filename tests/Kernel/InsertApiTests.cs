using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// The driver-insertion APIs (mm/memory.c v7.0-rc6): each reads the protection when it is called, so a call
/// from -&gt;mmap (before vma_set_page_prot) and one after give different PTEs; vm_insert_page(s) refcount and rmap
/// the page, remap_pfn_range and vmf_insert_pfn map special PTEs that hold nothing.
/// </summary>
public class InsertApiTests
{
    private static (KernelState K, Vma Vma) Fresh(VmOperations? ops, VmFlags flags = VmFlags.Read | VmFlags.Write | VmFlags.Shared)
    {
        var spec = new ScenarioSpec
        {
            Name = "unit",
            Vmas = [new VmaSpec("anon", 0x10, 4, VmFlags.Read | VmFlags.Write)],
            Cpus = [new CpuSpec("cpu0", [])],
        };
        var model = new KernelModel(spec, KernelKnobs.Upstream);
        model.PrepareRun(0);
        var vma = new Vma { Name = "drv", Mm = model.Mm, Start = 0x20, End = 0x22, Flags = flags, Ops = ops };
        vma.PageProt = PgProt.VmGetPageProt(vma.Flags); // __mmap_new_vma
        return (model.K, vma);
    }

    private static Frame KernelPage(KernelState k)
    {
        var f = k.AllocFrame(FrameKind.Normal);
        f.Refcount = 1; // the driver's allocation
        return f;
    }

    [Fact]
    public void VmInsertPagesFromMmapMapsWritableBecauseVmPageProtIsNotFinalYet()
    {
        var (k, vma) = Fresh(PfnMapOps.Instance); // has ->pfn_mkwrite: vma_wants_writenotify
        var pages = new[] { KernelPage(k), KernelPage(k) };
        Assert.True(vma.PageProt.Write);           // vm_get_page_prot(VM_SHARED | VM_WRITE)
        Assert.Equal(0, InsertPage.VmInsertPages(k, vma, 0x20, pages));
        PgProt.VmaSetPageProt(vma);                 // __mmap_complete: too late for the PTEs above
        Assert.False(vma.PageProt.Write);
        for (int i = 0; i < 2; i++)
        {
            var pte = vma.Mm.GetPte(0x20 + i);
            Assert.True(pte.Present && pte.Write && !pte.Special);
            Assert.Equal(2, pages[i].Refcount);     // folio_get
            Assert.Equal(1, pages[i].Mapcount);     // folio_add_file_rmap_pte
        }
        Assert.True((vma.Flags & VmFlags.MixedMap) != 0);
    }

    [Fact]
    public void VmInsertPageAfterVmaSetPageProtMapsReadOnly()
    {
        var (k, vma) = Fresh(PfnMapOps.Instance);
        PgProt.VmaSetPageProt(vma);
        var page = KernelPage(k);
        Assert.Equal(0, InsertPage.VmInsertPage(k, vma, 0x21, page));
        var pte = vma.Mm.GetPte(0x21);
        Assert.True(pte.Present && !pte.Write && !pte.Special);
        Assert.Equal(-InsertPage.EBUSY, InsertPage.VmInsertPage(k, vma, 0x21, page)); // present, no mkwrite
        Assert.Equal(-InsertPage.EFAULT, InsertPage.VmInsertPage(k, vma, 0x22, page)); // past vm_end
    }

    [Fact]
    public void ValidatePageBeforeInsertRefusesAnonUnreferencedAndZeroOutsideMixedMap()
    {
        var (k, vma) = Fresh(null);
        var anon = KernelPage(k);
        anon.Anon = true;
        Assert.Equal(-Errnos.EINVAL, InsertPage.VmInsertPage(k, vma, 0x20, anon));
        var unref = k.AllocFrame(FrameKind.Normal);
        Assert.Equal(-Errnos.EINVAL, InsertPage.VmInsertPage(k, vma, 0x20, unref));
        Assert.Equal(-Errnos.EINVAL, InsertPage.VmInsertPage(k, vma, 0x20, k.ZeroPage)); // no ->pfn_mkwrite
        var kernelOnly = k.AllocFrame(FrameKind.Kernel); // no struct page the model refcounts
        Assert.Equal(-Errnos.EINVAL, InsertPage.VmInsertPage(k, vma, 0x20, kernelOnly));
        Assert.True(vma.Mm.GetPte(0x20).IsNone);
    }

    [Fact]
    public void VmInsertPageOnAPfnMapVmaIsTheBugOn()
    {
        var (k, vma) = Fresh(PfnMapOps.Instance, VmFlags.Read | VmFlags.Write | VmFlags.Shared | VmFlags.PfnMap);
        Assert.Equal(-Errnos.EINVAL, InsertPage.VmInsertPage(k, vma, 0x20, KernelPage(k)));
        Assert.Contains(k.Events.ToArray(), e => e.Kind == EventKind.Warn && e.Detail!.Contains("VM_PFNMAP"));
    }

    [Fact]
    public void RemapPfnRangeMapsSpecialPtesWithTheCallersProtAndHoldsNothing()
    {
        var (k, vma) = Fresh(PfnMapOps.Instance);
        var page = KernelPage(k);
        Assert.Equal(0, RemapPfnRange.Remap(k, vma, 0x20, page.Pfn, 1, PgProt.ReadOnly));
        Assert.Equal(0, RemapPfnRange.Remap(k, vma, 0x21, page.Pfn, 1, vma.PageProt));
        var ro = vma.Mm.GetPte(0x20);
        var rw = vma.Mm.GetPte(0x21);
        Assert.True(ro.Present && ro.Special && !ro.Write);
        Assert.True(rw.Present && rw.Special && rw.Write);
        Assert.Equal(1, page.Refcount);
        Assert.Equal(0, page.Mapcount);
        Assert.True((vma.Flags & VmFlags.PfnMap) != 0);
    }

    [Fact]
    public void VmaSetPageProtFollowsWritenotifyAndPrivateMappings()
    {
        var (_, shared) = Fresh(null);
        PgProt.VmaSetPageProt(shared);
        Assert.True(shared.PageProt.Write);      // shared anonymous-like, no writenotify
        var (_, priv) = Fresh(null, VmFlags.Read | VmFlags.Write);
        PgProt.VmaSetPageProt(priv);
        Assert.False(priv.PageProt.Write);       // private writable: COW, read-only PTEs
        var (_, notify) = Fresh(FilemapOps.Instance);
        PgProt.VmaSetPageProt(notify);
        Assert.False(notify.PageProt.Write);     // ->page_mkwrite wants write notification
    }
}

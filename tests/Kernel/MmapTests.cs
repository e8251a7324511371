using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// mmap(2) as a CPU operation (mm/vma.c __mmap_region): MAP_FIXED replaces what it overlaps inside mmap, munmap
/// then mmap reuses an address, the driver's -&gt;mmap runs under mmap_lock held for writing and sees vm_page_prot
/// before vma_set_page_prot, and __mmap_complete leaves write notification in vm_page_prot.
/// </summary>
public class MmapTests
{
    private const string Files = "files = [ { name = f0, pages = 2 }, { name = f1, pages = 2 } ]\n";

    private static KernelModel Load(string text, ulong seed = 0)
    {
        var spec = ScenarioLoader.Parse(text, "mmap.conf");
        var model = new KernelModel(spec, spec.Knobs());
        var r = Explorer.RunOne(model, new RandomStrategy(), seed);
        Assert.Equal(Outcome.Completed, r.Outcome);
        return model;
    }

    [Fact]
    public void MapFixedReplacesTheMappedFileInsideMmap()
    {
        var m = Load(Files +
            "vmas = [ { name = a, start = 0x20, pages = 2, shared = true, file = f0 }\n" +
            "         { name = b, start = 0x20, pages = 2, shared = true, file = f1, mapped = by-mmap } ]\n" +
            "cpus = [ { program = [\"store a\", \"mmap b\", \"store b\", \"load a+1\"] } ]\n");
        var vma = m.Mm.FindVma(0x20)!;
        Assert.Equal("b", vma.Name);
        Assert.Same(m.File("f1"), vma.Mapping);
        Assert.True(m.Vma("a").Freed);                          // remove_vma in __mmap_complete
        Assert.DoesNotContain(m.Vma("a"), m.File("f0").IMmap);   // unlink_file_vma_batch in unmap_region
        Assert.Contains(vma, m.File("f1").IMmap);                // vma_link_file
        var f0 = m.File("f0").Pages[0]!;
        Assert.Equal(0, f0.PteMaps);                             // the old PTE was zapped
        Assert.True(f0.Dirty);                                   // and its dirty bit moved into the folio
        Assert.Equal(m.File("f1").Pages[0]!.Pfn, m.Mm.GetPte(0x20).Pfn);
        Assert.Equal(OutcomeKind.Returned, m.Cpus[0].Outcomes[1].Kind);
        Assert.False(vma.PageProt.Write);                        // filemap has ->page_mkwrite: writenotify
    }

    [Fact]
    public void MunmapThenMmapReusesTheAddress()
    {
        var m = Load(Files +
            "vmas = [ { name = a, start = 0x20, pages = 2, shared = true, file = f0 } ]\n" +
            "cpus = [ { program = [\"store a+1\", \"munmap a\", \"load a+1\", \"mmap a\", \"load a+1\"] } ]\n");
        var o = m.Cpus[0].Outcomes;
        Assert.Equal(OutcomeKind.SegvMapErr, o[2].Kind);          // between munmap and mmap: no VMA
        Assert.Equal(OutcomeKind.Loaded, o[4].Kind);
        Assert.Equal("cpu0.0", o[4].Value);                     // the page cache kept the store
        Assert.NotSame(m.Vma("a"), m.Mm.FindVma(0x21));          // a new vm_area_struct
    }

    [Fact]
    public void MmapOfAPerfBufferAfterTheLastUnmapAllocatesANewBuffer()
    {
        var m = Load("files = [ { name = p0, pages = 3 } ]\n" +
            "vmas = [ { name = rb, start = 0x20, pages = 3, shared = true, file = p0, driver = perf, mapped = by-mmap } ]\n" +
            "cpus = [ { program = [\"mmap rb\", \"store rb\", \"store rb+1\", \"munmap rb\", \"mmap rb\", \"load rb+2\"] } ]\n");
        var o = m.Cpus[0].Outcomes;
        Assert.Equal(OutcomeKind.Stored, o[1].Kind);
        Assert.Equal(OutcomeKind.BusAdrErr, o[2].Kind);           // perf_mmap_pfn_mkwrite: data pages are read-only
        var vma = m.Mm.FindVma(0x20)!;
        Assert.True(vma.IsPfnMap);
        Assert.False(vma.PageProt.Write);
        var rb = ((PerfMmapOps)vma.Ops!).RingBuffer;
        Assert.Equal(1, rb.RbMmapCount);
    }

    /// <summary>A driver whose -&gt;mmap records what it sees.</summary>
    private sealed class ProbeOps : VmOperations
    {
        public bool SawWriteLock;
        public PgProt SawProt = PgProt.ReadOnly;
        public bool SawInTree = true;
        public override string Name => "probe";
        public override bool HasPfnMkwrite => true;
        public override int Mmap(KernelState k, Vma vma, int actor)
        {
            SawWriteLock = vma.Mm.MmapLock.Writer == actor;
            SawProt = vma.PageProt;
            SawInTree = vma.Mm.Vmas.Contains(vma);
            return 0;
        }
    }

    [Fact]
    public void TheDriversMmapRunsUnderTheWriteLockBeforeVmaSetPageProt()
    {
        var spec = ScenarioLoader.Parse(
            "vmas = [ { name = d, start = 0x20, shared = true, mapped = by-mmap, driver = pfnmap } ]\n" +
            "cpus = [ { program = [\"mmap d\"] } ]\n", "probe.conf");
        var model = new KernelModel(spec, KernelKnobs.Upstream);
        var probe = new ProbeOps();
        var r0 = model.K.MmapRequests[0];
        model.K.MmapRequests[0] = new MmapRequest { Name = r0.Name, Start = r0.Start, Pages = r0.Pages, Flags = r0.Flags, Ops = probe };
        Assert.Equal(Outcome.Completed, Explorer.RunOne(model, new RandomStrategy(), 0).Outcome);
        Assert.True(probe.SawWriteLock);
        Assert.True(probe.SawProt.Write);    // vm_get_page_prot(VM_SHARED | VM_WRITE): not final yet
        Assert.False(probe.SawInTree);       // vma_iter_store_new comes after f_op->mmap
        Assert.False(model.Mm.FindVma(0x20)!.PageProt.Write); // __mmap_complete -> vma_set_page_prot
    }

    [Theory]
    [InlineData("vmas = [ { name = a, start = 1, mapped = later } ]", "mapped must be before-run or by-mmap")]
    [InlineData("vmas = [ { name = a, start = 1, shared = true, mapped = by-mmap } ]", "shmem")]
    [InlineData("vmas = [ { name = a, start = 1, pages = 2 } ]\ncpus = [ { program = [\"mmap a+1\"] } ]", "mmap maps a whole VMA")]
    [InlineData("vmas = [ { name = a, start = 1, shared = true } ]\ncpus = [ { program = [\"mmap a\"] } ]", "shared anonymous")]
    [InlineData("vmas = [ { name = a, start = 1, pages = 2 }, { name = b, start = 2 } ]", "only a VMA with mapped = by-mmap may overlap")]
    [InlineData("vmas = [ { name = a, start = 1, shared = true } ]\ncpus = [ {} ]\nswarm { operations = [mmap] }", "swarm operation mmap")]
    public void TheLoaderRejectsWhatMmapCannotModel(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "bad.conf"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("bad.conf:", e.Message);
    }

    [Fact]
    public void AByMmapVmaMayOverlapAndIsNotMappedBeforeTheRun()
    {
        var m = Load("vmas = [ { name = a, start = 0x20, pages = 2 }, { name = b, start = 0x21, pages = 2, mapped = by-mmap } ]\n" +
                     "cpus = [ { program = [\"load a+1\", \"mmap b\", \"store a\", \"store b+1\"] } ]\n");
        Assert.Equal("a", m.Mm.FindVma(0x20)!.Name);           // the head of a survives the split
        Assert.Equal("b", m.Mm.FindVma(0x21)!.Name);
        Assert.Equal(0x21, m.Mm.FindVma(0x20)!.End);
        Assert.All(m.Cpus[0].Outcomes.ToArray(), o => Assert.False(o.IsSignal));
    }
}

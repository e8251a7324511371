using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// One test per fault-path branch of kernel-model.md A1/A2, each on a single CPU (the schedule cannot
/// change the outcome), checking the PTE and the frame after the fault.
/// </summary>
public class FaultPathTests
{
    private const int Anon = 0x10, Buf = 0x20, Dev = 0x30;

    private static KernelModel Run(params string[] program)
    {
        var spec = new ScenarioSpec
        {
            Name = "unit",
            Files = [new FileSpec("f0", 2)],
            Vmas =
            [
                new VmaSpec("anon", Anon, 2, VmFlags.Read | VmFlags.Write),
                new VmaSpec("buf", Buf, 2, VmFlags.Read | VmFlags.Write | VmFlags.Shared, "f0", 0, "filemap"),
                new VmaSpec("dev", Dev, 1, VmFlags.Read | VmFlags.Write | VmFlags.Shared | VmFlags.PfnMap, Driver: "pfnmap"),
                new VmaSpec("ro", 0x40, 1, VmFlags.Read),
            ],
            Cpus = [new CpuSpec("cpu0", program.Select(Op).ToArray())],
        };
        var model = new KernelModel(spec, KernelKnobs.Upstream);
        var r = Explorer.RunOne(model, new RandomStrategy(), 0);
        Assert.Equal(Outcome.Completed, r.Outcome);
        return model;
    }

    private static CpuOp Op(string s)
    {
        var p = s.Split(' ');
        int vpn = Convert.ToInt32(p[1], 16);
        return p[0] switch
        {
            "load" => CpuOp.Load(vpn),
            "store" => CpuOp.Store(vpn),
            "mprotect-ro" => CpuOp.Mprotect(vpn, 2, false),
            "mprotect-rw" => CpuOp.Mprotect(vpn, 2, true),
            _ => throw new ArgumentException(s),
        };
    }

    [Fact]
    public void AnonymousReadMapsTheZeroPageReadOnly()
    {
        var m = Run("load 10");
        var pte = m.Mm.GetPte(Anon);
        Assert.True(pte.Present && pte.Special && !pte.Write);
        Assert.Equal(m.K.ZeroPage.Pfn, pte.Pfn);
    }

    [Fact]
    public void AnonymousWriteInstallsAFreshWritableDirtyPage()
    {
        var m = Run("store 10");
        var pte = m.Mm.GetPte(Anon);
        Assert.True(pte.Present && pte.Write && pte.Dirty && !pte.Special);
        var f = m.K.FrameAt(pte.Pfn);
        Assert.True(f.Anon);
        Assert.Equal((1, 1, 1), (f.Refcount, f.Mapcount, f.PteMaps));
    }

    [Fact]
    public void WriteAfterZeroPageReadCopiesOnWrite()
    {
        // do_wp_page on a private mapping of the zero page -> wp_page_copy.
        var m = Run("load 10", "store 10");
        var pte = m.Mm.GetPte(Anon);
        Assert.True(pte.Write && pte.Dirty);
        Assert.NotEqual(m.K.ZeroPage.Pfn, pte.Pfn);
        Assert.Equal(1, m.K.FrameAt(pte.Pfn).Mapcount);
    }

    [Fact]
    public void WriteToExclusiveAnonymousReadOnlyPteReusesThePage()
    {
        // mprotect RO then RW leaves a read-only PTE; the write fault reuses the exclusive page (wp_page_reuse).
        var m = Run("store 10", "mprotect-ro 10", "mprotect-rw 10", "store 10");
        var pte = m.Mm.GetPte(Anon);
        Assert.True(pte.Write && pte.Dirty);
        Assert.Equal(1, m.K.FrameAt(pte.Pfn).Refcount);
        Assert.Equal(4, m.Cpus[0].Pc); // the program ran to its end
    }

    [Fact]
    public void FileReadFaultMapsThePageCacheReadOnlyAfterOneRetry()
    {
        // do_read_fault: no ->map_pages, so the VMA-locked attempt retries under mmap_lock (vmf_can_call_fault).
        var m = Run("load 20");
        var pte = m.Mm.GetPte(Buf);
        Assert.True(pte.Present && !pte.Write && !pte.Dirty && pte.Young);
        var f = m.K.FrameAt(pte.Pfn);
        Assert.Equal(m.File("f0").Pages[0], f);
        Assert.Equal((2, 1), (f.Refcount, f.Mapcount)); // page cache + the PTE
        Assert.False(f.Dirty);
        Assert.Equal(1, m.K.Retries);
    }

    [Fact]
    public void SharedWriteFaultOnMissingPteIsDoSharedFault()
    {
        var m = Run("store 21");
        var pte = m.Mm.GetPte(Buf + 1);
        Assert.True(pte.Present && pte.Write && pte.Dirty);
        var f = m.K.FrameAt(pte.Pfn);
        Assert.Equal(1, f.Index);
        Assert.True(f.Dirty && f.FsPrivate); // page_mkwrite set up the fs state; fault_dirty_shared_page dirtied it
        Assert.False(f.PageLock.IsLocked);
    }

    [Fact]
    public void SharedWriteOnReadOnlyPteGoesThroughPageMkwrite()
    {
        // do_wp_page -> wp_page_shared -> do_page_mkwrite -> finish_mkwrite_fault -> wp_page_reuse.
        var m = Run("load 20", "store 20");
        var pte = m.Mm.GetPte(Buf);
        Assert.True(pte.Write && pte.Dirty && pte.Young);
        var f = m.K.FrameAt(pte.Pfn);
        Assert.True(f.Dirty && f.FsPrivate);
        Assert.Equal((2, 1), (f.Refcount, f.Mapcount)); // wp_page_shared's folio_get was put again
        Assert.False(f.PageLock.IsLocked);
    }

    [Fact]
    public void PfnMapWriteGoesThroughPfnMkwriteAndKeepsTheSpecialPte()
    {
        // do_wp_page -> wp_pfn_shared -> ->pfn_mkwrite -> finish_mkwrite_fault.
        var m = Run("load 30", "store 30");
        var pte = m.Mm.GetPte(Dev);
        Assert.True(pte.Present && pte.Special && pte.Write && pte.Dirty);
        var f = m.K.FrameAt(pte.Pfn);
        Assert.Equal(FrameKind.Kernel, f.Kind);
        Assert.Equal(0, f.Mapcount); // special PTEs are not refcounted
    }

    [Fact]
    public void WriteToReadOnlyVmaIsSigsegv()
    {
        var m = Run("store 40");
        Assert.False(m.Mm.GetPte(0x40).Present);
        Assert.Equal(1, m.Cpus[0].Signals);
    }

    [Fact]
    public void StoreThroughWritableTlbNeedsNoFault()
    {
        var m = Run("store 10", "store 10", "store 10");
        Assert.Equal(1, m.K.Faults);
        Assert.Equal(3, m.K.StoreSeq);
    }
}

using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// The kernel oracles, kept apart from the model: after every step they look only at what the step
/// reported (accesses, PTE writes, frees, finished walks and syscalls, touched frames); at the end they
/// check mapcounts and lost writes over the final state.
/// </summary>
public sealed class KernelMonitor : ISafetyMonitor
{
    private readonly KernelState _k;
    private readonly OutsideVmaChecker _outside;
    private FrameHistory[] _history = new FrameHistory[32];
    private int _historyUsed;

    /// <summary>
    /// Per frame, what a lost write's signature needs and the end state no longer shows: the last write-protect walk,
    /// the last writable PTE installed for it (who, when, and the walk it came after), and that PTE as of the frame's
    /// last store (the one the store went through). Filled from the events the model reports anyway: no allocation.
    /// </summary>
    private struct FrameHistory
    {
        public Clean LastClean;
        public WritablePte Writable, AtLastStore;
    }

    /// <summary>A writable PTE installed: by whom and when, and the clean (write-protect walk) that came last before it.</summary>
    private struct WritablePte
    {
        public Stamp At;
        public Clean After;
    }

    /// <summary>A write-protect walk: its step and actor, and the walker's kernel function.</summary>
    private struct Clean
    {
        public Stamp At;
        public string? Walker;
    }

    /// <summary>An actor's step, both plus one, so default is "none".</summary>
    private struct Stamp
    {
        public int Step, Actor;
        public readonly bool Any => Step > 0;
    }

    public KernelMonitor(KernelState k)
    {
        _k = k;
        _outside = new OutsideVmaChecker(k);
    }

    public void Reset()
    {
        _k.ClearEvents();
        _outside.Reset();
        Array.Clear(_history, 0, _historyUsed);
        _historyUsed = 0;
    }

    /// <summary>The history slot of frame <paramref name="pfn"/> (its fields are step + 1 and actor + 1, so zero is none).</summary>
    private ref FrameHistory History(int pfn)
    {
        if (pfn >= _history.Length) Array.Resize(ref _history, Math.Max(pfn + 1, _history.Length * 2));
        if (pfn >= _historyUsed) _historyUsed = pfn + 1;
        return ref _history[pfn];
    }

    public Violation? AfterStep(ActorSystem system, int step, int actor)
    {
        var k = _k;
        if (k.EventCount == 0 && k.Touched.Count == 0) return null;
        Violation? v = null;
        var events = k.Events;
        for (int i = 0; i < events.Length && v is null; i++) v = Check(system, step, in events[i]);
        if (v is null)
        {
            var touched = k.Touched;
            for (int i = 0; i < touched.Count && v is null; i++) v = CheckCounts(system, step, actor, touched[i]);
        }
        k.ClearEvents();
        return v;
    }

    private Violation? Check(ActorSystem sys, int step, in KernelEvent e)
    {
        string who = sys.NameOf(e.Actor);
        switch (e.Kind)
        {
            case EventKind.Access:
                // A bad access is the user program's: its signature names where the program was at the end of the step.
                return CheckAccess(step, who, in e) is { } bad ? bad with { Place = ViolationPlace.EndOfStep } : null;
            case EventKind.PteInstalled:
                if (((MmStruct)e.Object!).GetPte(e.Vpn) is { Present: true, Write: true } now && now.Pfn == e.Frame!.Pfn)
                {
                    ref var h = ref History(now.Pfn);
                    h.Writable = new WritablePte { At = new Stamp { Step = step + 1, Actor = e.Actor + 1 }, After = h.LastClean };
                }
                if (e.Frame!.Freed)
                    return V(Invariants.UseAfterFree, step, who, $"{who}: PTE at {e.Vpn:x} installed for freed frame {e.Frame}");
                if (CheckWritableInstall(e) is { } ro) return V(Invariants.WriteToReadonly, step, who, $"{who}: {ro}");
                if (_outside.CheckInstall(e) is { } stray) return V(Invariants.OutsideVma, step, who, $"{who}: {stray}");
                return null;
            case EventKind.FrameFreed:
                if (e.Frame!.PteMaps > 0)
                    return V(Invariants.Refcount, step, who, $"{who}: frame {e.Frame} freed while {e.Frame.PteMaps} PTE(s) still map it");
                return null;
            case EventKind.VmaUse:
            {
                var vma = (Vma)e.Object!;
                if (vma.Detached || vma.Freed)
                    return V(Invariants.UseAfterFree, step, who,
                        $"{who}: the fault path used VMA {vma.Name} after munmap {(vma.Freed ? "freed" : "detached")} it (it holds no VMA lock on it)");
                return null;
            }
            case EventKind.WalkDone:
                if (((WalkRecord)e.Object!) is { Frame: { } walked } wr)
                    for (int p = walked.Pfn; p < walked.Pfn + wr.Pages; p++)
                    {
                        History(p).LastClean = new Clean { At = new Stamp { Step = step + 1, Actor = e.Actor + 1 }, Walker = wr.Walker };
                    }
                return CheckWalk(sys, step, who, (WalkRecord)e.Object!);
            case EventKind.ZapDone:
                if (_outside.CheckZapDone((ZapRecord)e.Object!, munmap: e.Flag) is { } left)
                    return V(Invariants.OutsideVma, step, who, $"{who}: {left}");
                return CheckZap(sys, step, who, (ZapRecord)e.Object!, munmap: e.Flag);
            case EventKind.RmapInconsistent:
                return V(Invariants.Refcount, step, who, $"{who}: {e.Detail}");
            case EventKind.Mmapped:
                _outside.Mapped((MmStruct)e.Object!, e.Vpn, e.Vpn + e.Code);
                return null;
            case EventKind.NestedGatherFinished:
                return CheckNestedFinish(sys, step, who, (MmuGather)e.Object!);
            case EventKind.OrigPteChanged:
                return V(Invariants.StaleOrigPte, step, who, $"{who}: {e.Detail}");
            case EventKind.Signal:
                return SignalChecker.Check(e) is { } why ? V(Invariants.UnexpectedSignal, step, who, $"{who}: {why}") : null;
            case EventKind.Warn:
                return V(Invariants.KernelWarn, step, who, $"{who}: {e.Detail}{(e.Frame is null ? "" : $" (frame {e.Frame})")}");
            case EventKind.Livelock:
                return V(Invariants.Livelock, step, who, $"{who}: {e.Detail}") with { Causes = LivelockCauses(sys, in e) };
        }
        return null;
    }

    /// <summary>
    /// A PTE may be writable only in a VMA with VM_WRITE: maybe_mkwrite() and do_anonymous_page() make it writable only
    /// then, and mprotect_fixup() clears VM_WRITE (under vma_start_write(), which waits for every fault's VMA read
    /// lock) before change_protection() write-protects the PTEs it finds. A writable PTE installed in a VMA whose flags
    /// lack VM_WRITE came from a fault that read the flags before they changed: checked where it is installed, the
    /// cause, not at the store through it that follows (write-to-readonly either way: the PTE lets a store write
    /// read-only memory). Reads state only.
    /// </summary>
    private static string? CheckWritableInstall(in KernelEvent e)
    {
        var mm = (MmStruct)e.Object!;
        var pte = mm.GetPte(e.Vpn);
        if (!pte.Present || !pte.Write || pte.Pfn != e.Frame!.Pfn) return null;
        if (mm.FindVma(e.Vpn) is not { } vma || vma.IsWritable) return null;
        return $"the PTE at {e.Vpn:x} was made writable in VMA {vma.Name}, whose vm_flags lack VM_WRITE (mprotect cleared it): " +
               "the fault read the flags before they changed";
    }

    /// <summary>A load or store the program made: not to a freed frame, outside every VMA, or a store to read-only memory.</summary>
    private Violation? CheckAccess(int step, string who, in KernelEvent e)
    {
        var f = e.Frame!;
        if (e.Flag)
        {
            ref var h = ref History(f.Pfn); // the PTE this store went through: the last one made writable
            h.AtLastStore = h.Writable;
        }
        // The access kind and path go in a trailing [...] note: one bug is reached by loads and stores, through
        // a walk or a TLB entry, by chance (FailureSignature leaves the note out). Built only on a violation.
        if (f.Freed)
            return V(Invariants.UseAfterFree, step, who, $"{who}: an access at {e.Vpn:x} reached freed frame {f} {How(e)}");
        if (_outside.CheckAccess(e) is { } outside) return V(Invariants.OutsideVma, step, who, $"{who}: an access at {e.Vpn:x} {outside} {How(e)}");
        if (!e.Flag) return null;
        if (f.Kind == FrameKind.Zero)
            return V(Invariants.WriteToReadonly, step, who, $"{who}: a store at {e.Vpn:x} wrote the shared zero page {How(e)}");
        if (f.UserReadOnly) // judged at the store: a later kernel record would overwrite the evidence
            return V(Invariants.WriteToReadonly, step, who, $"{who}: a store at {e.Vpn:x} wrote {f}, a perf data page user space may only read (perf_mmap_pfn_mkwrite/perf_mmap_fault must give SIGBUS) {How(e)}");
        var vma = ((MmStruct)e.Object!).FindVma(e.Vpn);
        if (vma is not null && !vma.IsWritable && vma.ReadOnlyCommitted)
        {
            // Which PTE let it through names the bug: a writable one in a read-only VMA (a fault that made it from
            // flags it read before mprotect), or a read-only one whose old writable TLB entry no flush removed.
            var pte = ((MmStruct)e.Object!).GetPte(e.Vpn);
            string by = pte.Present && pte.Write && pte.Pfn == f.Pfn ? "through a writable PTE" : "though its PTE is read-only (a stale TLB entry)";
            return V(Invariants.WriteToReadonly, step, who, $"{who}: a store at {e.Vpn:x} wrote {f} in {vma.Name}, read-only since mprotect returned, {by} {How(e)}");
        }
        return null;
    }

    private static string How(in KernelEvent access) =>
        $"[{(access.Flag ? "store" : "load")} through {(access.Detail is null ? "a page walk" : "a TLB entry")}]";

    /// <summary>
    /// After a write-protect walk returns, no CPU may hold a writable, dirty translation to the walked
    /// frames that no writable PTE backs: a store through it would bypass the walk (A10-2). Entries the
    /// walk should have flushed itself, and entries a zap left behind past the walk (B4, B5), both count.
    /// </summary>
    private Violation? CheckWalk(ActorSystem sys, int step, string who, WalkRecord w)
    {
        if (w.Frame is null) return null;
        int lo = w.Frame.Pfn, hi = lo + w.Pages;
        foreach (var mm in _k.Mms)
        {
            foreach (var cpu in mm.Cpus)
            {
                var tlb = cpu.Tlb;
                for (int i = 0; i < tlb.Count; i++)
                {
                    ref var t = ref tlb[i];
                    if (t.Pfn < lo || t.Pfn >= hi || !t.Write || !t.Dirty) continue;
                    var pte = mm.GetPte(t.Vpn);
                    if (pte.Present && pte.Write && pte.Pfn == t.Pfn) continue;
                    int vpn = t.Vpn;
                    // Which zap ordering let the entry through shows in how the walk missed it: B5 removed the rmap
                    // first (folio_mapped() was false, nothing walked), B4 cleared the PTE and left the flush for later.
                    string cleaned = w.Cleaned.Exists(c => c.Mm == mm && c.Vpn == vpn) ? "it write-protected"
                        : w.FolioUnmapped ? "it never saw (the folio had left the rmap: folio_mapped() was false)"
                        : "it never saw (already zapped from the page table)";
                    return V(Invariants.StaleWritableTlb, step, who,
                        $"{who}: {w.Walker}({w.Frame}) returned but {sys.NameOf(cpu.ActorId)} can still write it through a TLB entry for {t.Vpn:x}, a PTE {cleaned}; actors: {who}, {sys.NameOf(cpu.ActorId)}");
                }
            }
        }
        return null;
    }

    /// <summary>
    /// tlb_finish_mmu() that finds another mmu_gather pending on the mm (mm_tlb_flush_nested()) flushes the whole mm
    /// (99baac21e458, mm/mmu_gather.c): a parallel zap or mprotect may have changed PTEs this caller then saw already
    /// none or changed and skipped, so their flush is pending only in the other gather, and this caller is about to
    /// return to user space. So when it returns, no CPU of the mm may still cache a translation from before the finish
    /// began that no PTE backs any more (present, the same PTE). Checked at the finish, the cause, before the store,
    /// load or return it lets through; reads TLBs and PTEs only. Entries filled after the finish began are the other
    /// gather's to flush.
    /// </summary>
    private static Violation? CheckNestedFinish(ActorSystem sys, int step, string who, MmuGather tlb)
    {
        var mm = tlb.Mm;
        foreach (var cpu in mm.Cpus)
        {
            var tlbs = cpu.Tlb;
            for (int i = 0; i < tlbs.Count; i++)
            {
                ref var t = ref tlbs[i];
                if (t.FilledAt > tlb.FinishStartedAt) continue;
                var now = mm.GetPte(t.Vpn);
                if (now.Present && now.Id == t.PteId) continue;
                // Read-only or writable, dirty or clean, PTE gone or write-protected: what the CPU happened to cache and which
                // gather changed the PTE is chance, so it goes in a trailing note (FailureSignature leaves it out).
                // Named by tlb_finish_mmu(), whose promise it is: which caller's gather finished second is chance.
                return V(Invariants.StaleTlb, step, who,
                    $"{who}: tlb_finish_mmu() returned with another mmu_gather pending on the mm (mm_tlb_flush_nested()) but " +
                    $"{sys.NameOf(cpu.ActorId)} still caches {t.Vpn:x} (pfn {t.Pfn}) from before it, from a PTE since changed; " +
                    $"actors: {who}, {sys.NameOf(cpu.ActorId)} [{(t.Write ? "writable" : "read-only")}{(t.Dirty ? ", dirty" : "")}, PTE now {(now.Present ? "changed" : "none")}]") with { Place = ViolationPlace.In("tlb_finish_mmu") };
            }
        }
        return null;
    }

    /// <summary>
    /// When munmap/madvise returns, no CPU may still hold a writable translation into the range that was
    /// cached before the call began and no longer matches a PTE. A page of a madvise range that no VMA covers
    /// when it returns was not madvise's to zap (madvise_walk_vmas skips the hole, -ENOMEM): the munmap that
    /// removed its VMA flushes it before it returns itself.
    /// </summary>
    private static Violation? CheckZap(ActorSystem sys, int step, string who, ZapRecord z, bool munmap)
    {
        var mm = z.Mm;
        foreach (var cpu in mm.Cpus)
        {
            var tlb = cpu.Tlb;
            for (int i = 0; i < tlb.Count; i++)
            {
                ref var t = ref tlb[i];
                if (t.Vpn < z.Start || t.Vpn >= z.End || !t.Write || !t.Dirty || t.FilledAt >= z.StartedAt) continue;
                if (!munmap && mm.FindVma(t.Vpn) is null) continue;
                var now = mm.GetPte(t.Vpn);
                if (now.Present && now.Id == t.PteId) continue;
                return V(Invariants.StaleWritableTlb, step, who,
                    $"{who}: {z.Syscall} [{z.Start:x}-{z.End:x}) returned but {sys.NameOf(cpu.ActorId)} still has a writable TLB entry for {t.Vpn:x} (pfn {t.Pfn}); actors: {who}, {sys.NameOf(cpu.ActorId)}");
            }
        }
        return null;
    }

    private static Violation? CheckCounts(ActorSystem sys, int step, int actor, Frame f)
    {
        if (!f.IsRefcounted) return null;
        string who = sys.NameOf(actor);
        if (f.Freed)
            return f.PteMaps > 0 ? V(Invariants.Refcount, step, who, $"{who}: freed frame {f} is mapped by {f.PteMaps} PTE(s)") : null;
        if (f.Mapcount < f.PteMaps)
            return V(Invariants.Refcount, step, who, $"{who}: frame {f} has mapcount {f.Mapcount} but {f.PteMaps} PTE(s) map it");
        int cacheRef = f.Mapping is not null && f.Mapping.Pages[f.Index] == f ? 1 : 0;
        if (f.Refcount < f.PteMaps + cacheRef)
            return V(Invariants.Refcount, step, who, $"{who}: frame {f} has refcount {f.Refcount} but {f.PteMaps} PTE(s){(cacheRef > 0 ? " and the page cache" : "")} hold it");
        return null;
    }

    public Violation? AtEnd(ActorSystem system)
    {
        var k = _k;
        int step = system.Step;
        foreach (var f in k.Frames)
        {
            if (!f.IsRefcounted || f.Freed) continue;
            if (f.Mapcount != f.PteMaps)
                return V(Invariants.Refcount, step, "-", $"at the end frame {f} has mapcount {f.Mapcount} but {f.PteMaps} PTE(s) map it");
        }
        foreach (var d in k.Devices) // drivers' own end oracles (device copy, ring-buffer counts)
            if (d.AtEnd(k) is { } dv)
                return V(dv.Invariant, step, d.Name, dv.Detail) with { Causes = d.EndFrame is { } lost ? LostWriteCauses(system, lost) : [] };
        foreach (var file in k.Files)
        {
            if (!file.Tracked) continue;
            foreach (var page in file.Pages)
            {
                if (page is null || page.Content == page.DiskContent) continue;
                bool dirty = page.Dirty || AnyDirtyPte(k, page);
                if (dirty && page.FsPrivate) continue;
                string why = dirty ? "the page is dirty but the filesystem dropped its page_mkwrite state, so it will not be written"
                                   : "the page is clean, so it will not be written";
                // Why it will not be written goes in a trailing [...] note: whether a later fault re-dirtied the PTE after
                // the clean is chance, the history (Causes) names the bug (FailureSignature leaves the note out).
                return V(Invariants.LostWrite, step, "-",
                    $"store {page.Content} to {page} was never written back (disk has {page.DiskContent}) [{why}]") with { Causes = LostWriteCauses(system, page) };
            }
        }
        return null;
    }

    /// <summary>
    /// The history of a lost store (the end state shows only the symptom): the PTE the store went through, who made it
    /// writable and in which kernel function, and the clean that came last before it (the walk whose copy the store
    /// missed): who cleaned, and where the fault that made the PTE writable was at that moment. That names the bug: a
    /// clean inside ->page_mkwrite's do_page_mkwrite (the page came back unlocked), or after it (the fault dropped the
    /// page lock before the PTE was dirty). A later walk (one that found the page clean) is not the cause.
    /// </summary>
    private IReadOnlyList<ViolationCause> LostWriteCauses(ActorSystem sys, Frame page)
    {
        if (page.Pfn >= _historyUsed) return [];
        var store = _history[page.Pfn].AtLastStore;
        if (!store.At.Any) return [];
        string fault = sys.NameOf(store.At.Actor - 1);
        var causes = new List<ViolationCause>(3);
        if (store.After.At.Any)
        {
            causes.Add(new($"cleaned the page ({store.After.Walker})", sys.NameOf(store.After.At.Actor - 1), -1));
            causes.Add(new("was, as it was cleaned,", fault, store.After.At.Step - 1));
        }
        causes.Add(new("then made the PTE the store went through writable", fault, store.At.Step - 1));
        return causes;
    }

    /// <summary>
    /// Why a store keeps faulting: its PTE keeps being cleaned between the fault making it writable and the store's retry.
    /// The cause names where the faulting CPU was at the last clean of the page (mkwrite-unlock-before-dirty: in the fault,
    /// after -&gt;page_mkwrite, holding no page lock, so the writeback its own mkwrite queued write-protects the PTE every
    /// round). Which cleaner (the fs writeback or fb_deferred_io_work) is left out: that is the VMA the swarm drew.
    /// </summary>
    private IReadOnlyList<ViolationCause> LivelockCauses(ActorSystem sys, in KernelEvent e)
    {
        foreach (var mm in _k.Mms)
            foreach (var cpu in mm.Cpus)
            {
                if (cpu.ActorId != e.Actor) continue;
                var pte = mm.GetPte(e.Vpn);
                if (!pte.Present || pte.Pfn >= _historyUsed) return [];
                var clean = _history[pte.Pfn].LastClean;
                if (!clean.At.Any) return [];
                return [new ViolationCause("was, as the page was last cleaned,", sys.NameOf(e.Actor), clean.At.Step - 1)];
            }
        return [];
    }

    private static bool AnyDirtyPte(KernelState k, Frame page)
    {
        foreach (var mm in k.Mms)
            foreach (var t in mm.Tables)
                foreach (var p in t.Ptes)
                    if (p.Present && p.Pfn == page.Pfn && p.Dirty) return true;
        return false;
    }

    private static Violation V(string invariant, int step, string actor, string detail) => new(invariant, detail, step, actor);
}

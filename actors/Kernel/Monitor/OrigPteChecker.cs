namespace StressVm.Kernel;

/// <summary>
/// The fault's own rule, checked at the moment it matters: a fault read vmf-&gt;orig_pte without the PTL
/// (ptep_get_lockless in handle_pte_fault, or pte_none for do_pte_missing), so once it holds the PTL it may write the
/// PTE only if the PTE is still what it read (v7.0 mm/memory.c: handle_pte_fault's and finish_mkwrite_fault's
/// pte_same(), wp_page_copy's pte_same(), do_anonymous_page's and finish_fault's vmf_pte_changed()/pte_none()).
/// A fault that writes a PTE that changed since it read it overwrites someone else's work (a zap, a racing fault's
/// install, a write-protect walk): the stale-orig-pte oracle fires there, before the damage spreads into refcounts,
/// stale TLB entries or lost writes. It reads only state (the PTE now against the one the fault read), never a knob.
/// </summary>
public static class OrigPteChecker
{
    /// <summary>Called by fault code (holding the PTL) just before it writes the PTE at vmf-&gt;address in <paramref name="function"/>.</summary>
    public static void BeforeSet(KernelActor cur, Vmf vmf, string function)
    {
        var now = vmf.Mm.GetPte(vmf.Vpn);
        if (vmf.OrigPteValid ? Pte.Same(now, vmf.OrigPte) : now.IsNone) return;
        string read = vmf.OrigPteValid ? $"{vmf.OrigPte}" : "none";
        cur.K.Emit(new KernelEvent(EventKind.OrigPteChanged, cur.ActorId, null, vmf.Vpn, vmf.Mm,
            Detail: $"a fault writes the PTE at {vmf.Vpn:x} though it changed since the fault read it: pte_same() under the PTL " +
                    $"must back off [{function}: read {read}, now {now}]")); // [...]: where and how this time, not the bug (FailureSignature)
    }
}

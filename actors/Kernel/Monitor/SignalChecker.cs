namespace StressVm.Kernel;

/// <summary>
/// The unexpected-signal oracle: a signal decision is checked against the rule of v7.0's
/// do_user_addr_fault() (arch/x86/mm/fault.c) that gives it, over the state at the step it is taken (the
/// model takes it where the kernel does, under mmap_lock or the VMA lock):
/// SEGV_MAPERR from lock_mm_and_find_vma() needs no VMA at the address; SEGV_ACCERR (access_error()) needs
/// a VMA that forbids the access; SIGBUS and a VM_FAULT_SIGSEGV from handle_mm_fault() need a source that
/// returned the error bit (a vm_ops hook, or do_fault() with no -&gt;fault over pte_none), as mm_fault_error()
/// only forwards what the handler returned. A missing signal is caught by outside-vma and write-to-readonly.
/// </summary>
public static class SignalChecker
{
    /// <summary>Null when the kernel gives this signal here; else why not.</summary>
    public static string? Check(in KernelEvent e)
    {
        var mm = (MmStruct)e.Object!;
        var vma = mm.FindVma(e.Vpn);
        string access = e.Flag ? "store" : "load";
        switch ((AccessOutcome)e.Code)
        {
            case AccessOutcome.SegvMapErr:
                if (e.Detail is null) return $"SIGSEGV for a {access} at {e.Vpn:x}: VM_FAULT_SIGSEGV that no v7.0 source returned";
                if (e.Detail.StartsWith("lock_mm_and_find_vma", StringComparison.Ordinal) && vma is not null)
                    return $"SIGSEGV (SEGV_MAPERR) for a {access} at {e.Vpn:x}, but {vma} covers it (bad_area_nosemaphore needs no VMA)";
                return null;
            case AccessOutcome.SegvAccErr:
                if (vma is null) return $"SIGSEGV (SEGV_ACCERR) for a {access} at {e.Vpn:x}, but no VMA covers it (that is SEGV_MAPERR)";
                if (!e.Flag || vma.IsWritable) return $"SIGSEGV (SEGV_ACCERR) for a {access} at {e.Vpn:x}, but {vma} permits it (access_error is false)";
                return null;
            case AccessOutcome.BusAdrErr:
            case AccessOutcome.BusMceErr:
                return e.Detail is null ? $"SIGBUS for a {access} at {e.Vpn:x}: VM_FAULT_SIGBUS that no v7.0 source returned" : null;
        }
        return $"a signal decision with no signal ({(AccessOutcome)e.Code})";
    }
}

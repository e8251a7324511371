namespace StressVm.Kernel;

/// <summary>vm_fault_t bits (include/linux/mm_types.h).</summary>
[Flags]
public enum VmFault
{
    None = 0,
    Oom = 0x1,
    SigBus = 0x2,
    Major = 0x4,
    HwPoison = 0x10,
    SigSegv = 0x40,
    NoPage = 0x100,
    Locked = 0x200,
    Retry = 0x400,
    Completed = 0x4000,
    Error = Oom | SigBus | SigSegv | HwPoison,
}

/// <summary>
/// How a user access ended: done, or the signal and si_code do_user_addr_fault() delivers (arch/x86/mm/fault.c:
/// bad_area_nosemaphore SEGV_MAPERR, bad_area_access_error SEGV_ACCERR, do_sigbus BUS_ADRERR / BUS_MCEERR_AR).
/// </summary>
public enum AccessOutcome : byte { Done, SegvMapErr, SegvAccErr, BusAdrErr, BusMceErr, Livelock }

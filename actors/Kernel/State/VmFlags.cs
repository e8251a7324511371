namespace StressVm.Kernel;

/// <summary>vm_flags bits the model uses.</summary>
[Flags]
public enum VmFlags : ushort
{
    None = 0,
    Read = 1,
    Write = 2,
    Shared = 8,
    PfnMap = 0x400,
    MixedMap = 0x1000,
    /// <summary>VM_DONTCOPY (perf): dup_mmap does not copy the VMA into the child.</summary>
    DontCopy = 0x4000,
}

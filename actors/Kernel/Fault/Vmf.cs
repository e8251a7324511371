namespace StressVm.Kernel;

/// <summary>struct vm_fault: one per CPU, refilled for every fault (no allocation).</summary>
public sealed class Vmf
{
    public Vma Vma = null!;
    public int Vpn;
    /// <summary>FAULT_FLAG_WRITE.</summary>
    public bool Write;
    /// <summary>FAULT_FLAG_VMA_LOCK: only the per-VMA lock is held.</summary>
    public bool VmaLock;
    /// <summary>The VMA read reference is really held (false under fault-ignore-vma-lock).</summary>
    public bool VmaRefHeld;
    /// <summary>FAULT_FLAG_TRIED.</summary>
    public bool Tried;
    /// <summary>FAULT_FLAG_MKWRITE.</summary>
    public bool Mkwrite;
    public Pte OrigPte;
    /// <summary>FAULT_FLAG_ORIG_PTE_VALID.</summary>
    public bool OrigPteValid;
    /// <summary>vmf->page.</summary>
    public Frame? Page;
    /// <summary>The hook or core function that returned the first VM_FAULT error bit (the signal's source).</summary>
    public string? ErrorSource;

    public MmStruct Mm => Vma.Mm;
    public int Pgoff => Vma.PgoffOf(Vpn);

    public void Init(Vma vma, int vpn, bool write, bool vmaLock, bool refHeld, bool tried)
    {
        Vma = vma;
        Vpn = vpn;
        Write = write;
        VmaLock = vmaLock;
        VmaRefHeld = refHeld;
        Tried = tried;
        Mkwrite = false;
        OrigPte = default;
        OrigPteValid = false;
        Page = null;
        ErrorSource = null;
    }
}

namespace StressVm.Kernel;

/// <summary>
/// vm_operations_struct: the seam for drivers. Hooks run in the faulting actor (usually a CPU) and may
/// await locks through <paramref name="cur"/>. Has* tells the core which hooks exist (a NULL pointer in C).
/// </summary>
public abstract class VmOperations
{
    public abstract string Name { get; }

    public virtual bool HasFault => false;
    public virtual bool HasPageMkwrite => false;
    public virtual bool HasPfnMkwrite => false;
    public virtual bool HasMapPages => false;

    /// <summary>-&gt;fault: set vmf.Page (with a reference), return LOCKED if it locked the page.</summary>
    public virtual ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf) => new(VmFault.SigBus);

    /// <summary>-&gt;page_mkwrite: the page is about to become writable (no PTL, no page lock held).</summary>
    public virtual ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf) => new(VmFault.None);

    /// <summary>-&gt;pfn_mkwrite: as page_mkwrite for PTEs without a struct page (VM_PFNMAP/VM_MIXEDMAP).</summary>
    public virtual ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf) => new(VmFault.None);

    /// <summary>-&gt;map_pages: fault-around over [startVpn, endVpn); NOPAGE iff vmf.Vpn got mapped.</summary>
    public virtual ValueTask<VmFault> MapPages(KernelActor cur, Vmf vmf, int startVpn, int endVpn) => new(VmFault.None);

    /// <summary>
    /// f_op-&gt;mmap, from __mmap_new_file_vma() (mm/vma.c): before vma_link_file and before __mmap_complete's
    /// vma_set_page_prot, so vma-&gt;vm_page_prot is still vm_get_page_prot(vm_flags) (writable for a shared writable
    /// mapping even when the driver wants write notification). Drivers set vm_flags, set up their state and may
    /// map pages now (remap_pfn_range, vm_insert_pages), with mmap_lock held for write. A VMA mapped before the run
    /// has it called before the first step; an mmap instruction calls it from the CPU (actor = its id).
    /// Returns 0 or a negative errno (the mmap fails and its partial mapping is undone).
    /// </summary>
    public virtual int Mmap(KernelState k, Vma vma, int actor) => 0;

    /// <summary>-&gt;close, from remove_vma().</summary>
    public virtual void Close(KernelActor cur, Vma vma) { }

    /// <summary>-&gt;open: a new VMA now maps the driver (__split_vma calls it on the new half).</summary>
    public virtual void Open(KernelActor cur, Vma vma) { }

    /// <summary>-&gt;may_split: false vetoes a split (munmap/mprotect of part of the VMA fails with EINVAL).</summary>
    public virtual bool MaySplit(Vma vma, int addr) => true;

    /// <summary>fsync(2) on the mapped file (file_operations-&gt;fsync; the VMA only names the file).</summary>
    public virtual ValueTask Fsync(KernelActor cur, Vma vma) => ValueTask.CompletedTask;

    /// <summary>write(2) of <paramref name="pages"/> pages at file page <paramref name="pgoff"/> (file_operations-&gt;write_iter).</summary>
    public virtual ValueTask FileWrite(KernelActor cur, Vma vma, int pgoff, int pages) => ValueTask.CompletedTask;

    /// <summary>The driver's shared state and actors, or null for stateless drivers.</summary>
    public virtual DriverDevice? Device => null;
}

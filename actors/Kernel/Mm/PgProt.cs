namespace StressVm.Kernel;

/// <summary>
/// pgprot_t as the model keeps it: only the write bit (read is implied; the PAGE_* protections of x86 and arm64
/// carry the accessed bit, so a PTE built from one is young). vma-&gt;vm_page_prot is the PgProt new PTEs of a
/// VMA get; the insertion APIs read it when they are called (<see cref="InsertPage"/>, <see cref="RemapPfnRange"/>,
/// <see cref="VmfInsertPfn"/>).
/// </summary>
public readonly record struct PgProt(bool Write)
{
    public static readonly PgProt ReadOnly = new(false);

    /// <summary>
    /// vm_get_page_prot() (mm/mmap.c, protection_map[]): a shared writable mapping's protection is writable; a
    /// private writable one is read-only (the first write is a COW fault); a read-only one is read-only.
    /// </summary>
    public static PgProt VmGetPageProt(VmFlags flags) =>
        new((flags & (VmFlags.Shared | VmFlags.Write)) == (VmFlags.Shared | VmFlags.Write));

    /// <summary>
    /// vma_set_page_prot() (mm/mmap.c): vm_page_prot from vm_flags, and if vma_wants_writenotify() (mm/vma.c) the
    /// protection of the mapping without VM_SHARED, i.e. read-only, so the first write faults into
    /// -&gt;page_mkwrite / -&gt;pfn_mkwrite. __mmap_complete() calls it after the driver's -&gt;mmap ran, and mprotect_fixup()
    /// after vm_flags change.
    /// </summary>
    public static void VmaSetPageProt(Vma vma)
    {
        var flags = vma.Flags;
        if (vma.WantsWritenotify) flags &= ~VmFlags.Shared;
        vma.PageProt = VmGetPageProt(flags);
    }

    public override string ToString() => Write ? "PAGE_SHARED" : "PAGE_READONLY";
}

using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// A vm_area_struct: [Start, End) in virtual page numbers, flags, vm_ops, vm_pgoff and the file's
/// address_space, plus the per-VMA lock state of mm/mmap_lock.c (reader count, detached, vm_lock_seq).
/// </summary>
public sealed class Vma
{
    public required string Name;
    public int Start, End;
    public VmFlags Flags;
    public VmOperations? Ops;
    public int Pgoff;
    public AddressSpace? Mapping;
    public required MmStruct Mm;
    /// <summary>vm_page_prot: the protection new PTEs get (<see cref="PgProt"/>; final only after vma_set_page_prot).</summary>
    public PgProt PageProt;

    // Per-VMA lock (vm_refcnt readers, VM_REFCNT_EXCLUDE_READERS_FLAG, vm_lock_seq).
    public int Readers;
    public long LockSeq = -1;
    public bool ExcludeReaders;
    public bool Detached;
    internal ActorRef WriterWaiting;
    internal int WriterWaitingId = -1;

    /// <summary>vma->anon_vma != NULL: set by the first anonymous write fault (vmf_anon_prepare / anon_vma_prepare).</summary>
    public bool AnonVma;
    /// <summary>vm_area_free() ran (end of munmap).</summary>
    public bool Freed;
    /// <summary>An mprotect() that removed VM_WRITE has returned: a store through this VMA is now a bug.</summary>
    public bool ReadOnlyCommitted;

    public bool IsAnonymous => Ops is null;
    public bool IsShared => (Flags & VmFlags.Shared) != 0;
    public bool IsWritable => (Flags & VmFlags.Write) != 0;
    public bool IsPfnMap => (Flags & (VmFlags.PfnMap | VmFlags.MixedMap)) != 0;
    public int Pages => End - Start;
    public bool Contains(int vpn) => vpn >= Start && vpn < End;

    /// <summary>linear_page_index(): the file offset (in pages) that <paramref name="vpn"/> maps.</summary>
    public int PgoffOf(int vpn) => Pgoff + (vpn - Start);

    /// <summary>vma_wants_writenotify(): shared writable mappings that track dirtying map read-only first.</summary>
    public bool WantsWritenotify => IsShared && IsWritable && Ops is not null && (Ops.HasPageMkwrite || Ops.HasPfnMkwrite);

    public void ResetLock()
    {
        Readers = 0;
        LockSeq = -1;
        ExcludeReaders = false;
        Detached = false;
        WriterWaiting = default;
        WriterWaitingId = -1;
        Freed = false;
        ReadOnlyCommitted = false;
        AnonVma = false;
    }

    public override string ToString() => $"{Name}[{Start:x}-{End:x})";
}

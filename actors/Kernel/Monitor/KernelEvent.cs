namespace StressVm.Kernel;

/// <summary>What a model step reports to the oracles.</summary>
public enum EventKind : byte
{
    /// <summary>A load (Flag false) or store (Flag true) reached Frame through a TLB entry or a walk.</summary>
    Access,
    /// <summary>A present PTE was written for Frame.</summary>
    PteInstalled,
    /// <summary>Frame went back to the allocator.</summary>
    FrameFreed,
    /// <summary>The fault path dereferenced a VMA (Object).</summary>
    VmaUse,
    /// <summary>A write-protect walk (Object: WalkRecord) returned.</summary>
    WalkDone,
    /// <summary>munmap/madvise (Object: ZapRecord) returned to user space.</summary>
    ZapDone,
    /// <summary>A WARN_ON condition in the kernel code (Detail).</summary>
    Warn,
    /// <summary>A fault was retried past the bound (Detail).</summary>
    Livelock,
    /// <summary>A user access gets a signal (Code: <see cref="AccessOutcome"/>; Object: the mm; Flag: a store; Detail: the deciding code).</summary>
    Signal,
    /// <summary>A mapping the rmap cannot reach (Frame, Vpn; Object: the VMA; Detail: how).</summary>
    RmapInconsistent,
    /// <summary>mmap stored a new VMA over [Vpn, Vpn + Code) of the mm (Object): those pages are mapped again.</summary>
    Mmapped,
    /// <summary>A fault is about to write the PTE at Vpn of the mm (Object) though it changed since the fault read it (Detail).</summary>
    OrigPteChanged,
    /// <summary>tlb_finish_mmu() of the gather (Object: MmuGather) returned; it began with mm_tlb_flush_nested() true.</summary>
    NestedGatherFinished,
}

/// <summary>One event; small and allocation-free except for the optional detail.</summary>
public readonly record struct KernelEvent(EventKind Kind, int Actor, Frame? Frame, int Vpn, object? Object = null, bool Flag = false, string? Detail = null, int Code = 0);

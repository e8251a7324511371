namespace StressVm.Kernel;

/// <summary>One instruction of a CPU's program.</summary>
public enum OpKind : byte { Load, Store, Munmap, MadviseDontneed, MprotectRead, MprotectWrite, Msync, Fsync, Write, Mmap, Exit, Fork }

/// <summary>
/// An instruction: a user access to one page, or a syscall over [Vpn, Vpn + Pages). An mmap names what it maps:
/// <see cref="Target"/> indexes KernelState.MmapRequests (-1 for every other kind).
/// </summary>
public readonly record struct CpuOp(OpKind Kind, int Vpn, int Pages = 1, int Target = -1)
{
    public static CpuOp Mmap(int vpn, int pages, int target) => new(OpKind.Mmap, vpn, pages, target);
    public static readonly CpuOp Exit = new(OpKind.Exit, 0, 0);
    /// <summary>fork(2) into process <paramref name="child"/> (an index into KernelState.Mms).</summary>
    public static CpuOp Fork(int child) => new(OpKind.Fork, 0, 0, child);
    public static CpuOp Load(int vpn) => new(OpKind.Load, vpn);
    public static CpuOp Store(int vpn) => new(OpKind.Store, vpn);
    public static CpuOp Munmap(int vpn, int pages) => new(OpKind.Munmap, vpn, pages);
    public static CpuOp Dontneed(int vpn, int pages) => new(OpKind.MadviseDontneed, vpn, pages);
    public static CpuOp Mprotect(int vpn, int pages, bool write) => new(write ? OpKind.MprotectWrite : OpKind.MprotectRead, vpn, pages);

    public override string ToString() => Kind switch
    {
        OpKind.Load => $"load {Vpn:x}",
        OpKind.Store => $"store {Vpn:x}",
        OpKind.Munmap => $"munmap {Vpn:x}+{Pages}",
        OpKind.MadviseDontneed => $"madvise(DONTNEED) {Vpn:x}+{Pages}",
        OpKind.MprotectRead => $"mprotect(RO) {Vpn:x}+{Pages}",
        OpKind.Msync => $"msync(MS_SYNC) {Vpn:x}+{Pages}",
        OpKind.Fsync => $"fsync(file of {Vpn:x})",
        OpKind.Write => $"write(2) file of {Vpn:x}+{Pages}",
        OpKind.Mmap => $"mmap(MAP_FIXED) {Vpn:x}+{Pages}",
        OpKind.Exit => "exit",
        OpKind.Fork => $"fork -> mm {Target}",
        _ => $"mprotect(RW) {Vpn:x}+{Pages}",
    };
}

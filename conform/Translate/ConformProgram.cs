using StressVm.Kernel;
using StressVm.Scenarios;

namespace StressVm.Conform;

/// <summary>A scenario that cannot be run on a real kernel, with the reason (one line).</summary>
public sealed class NotTranslatableException(string scenario, string reason)
    : Exception($"{scenario}: not translatable to a user-space program: {reason}")
{
    public string Reason { get; } = reason;
}

/// <summary>One operation of the program: which CPU, its index there, and how a person reads it ("store buf+1").</summary>
public sealed record ConformOp(int Cpu, int Index, CpuOp Op, string Text, VmaSpec Vma)
{
    /// <summary>"cpu0.1": the label the C program prints and the value a store of this operation leaves.</summary>
    public string Label => $"cpu{Cpu}.{Index}";
}

/// <summary>A translated scenario: its operations in vector order (cpu0's first, then cpu1's, ...) and the C source.</summary>
public sealed record ConformProgram(ScenarioSpec Spec, IReadOnlyList<ConformOp> Ops, string CSource, IReadOnlyList<string> Needs)
{
    public string Name => Spec.Name;

    /// <summary>True when the program opens /dev/fb0 (the guest then needs virtio-gpu).</summary>
    public bool NeedsFb => Needs.Contains("fb");

    /// <summary>True when the program maps a DAX file (the guest then needs a pmem device and ext4 -o dax).</summary>
    public bool NeedsDax => Needs.Contains("dax");

    /// <summary>A load's value is compared on anonymous, file and DAX pages; perf and fb pages hold the device's data.</summary>
    public static bool Valued(VmaSpec vma) => vma.Driver is null or "filemap" or "filemap-faultaround" or "dax";

    /// <summary>"store buf+1" for an operation, as written in the scenario.</summary>
    public static string Describe(CpuOp op, IReadOnlyList<VmaSpec> vmas, out VmaSpec vma)
    {
        vma = vmas.First(v => op.Vpn >= v.Start && op.Vpn < v.Start + v.Pages);
        string name = op.Kind switch
        {
            OpKind.Load => "load",
            OpKind.Store => "store",
            OpKind.Munmap => "munmap",
            OpKind.MadviseDontneed => "madvise-dontneed",
            OpKind.MprotectRead => "mprotect-ro",
            OpKind.MprotectWrite => "mprotect-rw",
            OpKind.Msync => "msync",
            OpKind.Fsync => "fsync",
            OpKind.Write => "write",
            var k => k.ToString().ToLowerInvariant(),
        };
        int off = op.Vpn - vma.Start;
        bool access = op.Kind is OpKind.Load or OpKind.Store;
        string len = access || off + op.Pages == vma.Pages ? "" : $":{op.Pages}";
        return $"{name} {vma.Name}{(off > 0 ? $"+{off}" : "")}{len}";
    }
}

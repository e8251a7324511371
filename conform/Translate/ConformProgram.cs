using StressVm.Kernel;
using StressVm.Scenarios;

namespace StressVm.Conform;

/// <summary>A scenario that cannot be run on a real kernel, with the reason (one line).</summary>
public sealed class NotTranslatableException(string scenario, string reason)
    : Exception($"{scenario}: not translatable to a user-space program: {reason}")
{
    public string Reason { get; } = reason;
}

/// <summary>One operation of the program: which CPU, its index there, and how a person reads it ("store buf+1");
/// <paramref name="Vma"/> is the VMA it names (null for fork, which names a process).</summary>
public sealed record ConformOp(int Cpu, int Index, CpuOp Op, string Text, VmaSpec? Vma)
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
    public static bool Valued(VmaSpec? vma) => vma is null || vma.Driver is null or "filemap" or "filemap-faultaround" or "dax";

    /// <summary>
    /// "store buf+1" (or "fork child") for an operation of a thread of process <paramref name="process"/>, as written
    /// in the scenario. The VMA is looked up among the process's own (a forked process's are its root ancestor's
    /// copies), since VMAs of different processes may share addresses.
    /// </summary>
    public static string Describe(CpuOp op, ScenarioSpec spec, int process, out VmaSpec? vma)
    {
        vma = null;
        if (op.Kind == OpKind.Fork) return $"fork {spec.Processes[op.Target].Name}";
        int owner = ProcessSpec.RootOf(spec.Processes, process);
        var found = spec.Vmas.First(v => v.Process == owner && op.Vpn >= v.Start && op.Vpn < v.Start + v.Pages);
        vma = found;
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
        int off = op.Vpn - found.Start;
        bool access = op.Kind is OpKind.Load or OpKind.Store;
        string len = access || off + op.Pages == found.Pages ? "" : $":{op.Pages}";
        return $"{name} {found.Name}{(off > 0 ? $"+{off}" : "")}{len}";
    }
}

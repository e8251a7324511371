namespace StressVm.Kernel;

/// <summary>
/// What one mmap instruction maps (the scenario's VMA declaration): mmap(addr, len, prot, MAP_SHARED or
/// MAP_PRIVATE | MAP_FIXED, fd, pgoff) of a file opened with its driver, or an anonymous mapping. Built once per
/// model; each mmap makes a fresh VMA from it.
/// </summary>
public sealed class MmapRequest
{
    public required string Name { get; init; }
    public int Start { get; init; }
    public int Pages { get; init; }
    /// <summary>The vm_flags calc_vm_prot_bits / calc_vm_flag_bits give (VM_READ, VM_WRITE, VM_SHARED).</summary>
    public VmFlags Flags { get; init; }
    public int Pgoff { get; init; }
    /// <summary>The file's address_space (file-&gt;f_mapping), null for anonymous memory.</summary>
    public AddressSpace? Mapping { get; init; }
    /// <summary>The vm_operations the file's f_op-&gt;mmap installs (the model's driver instance), null for anonymous memory.</summary>
    public VmOperations? Ops { get; init; }

    public int End => Start + Pages;

    public override string ToString() => $"{Name}[{Start:x}-{End:x})";
}

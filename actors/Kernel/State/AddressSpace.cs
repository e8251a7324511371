namespace StressVm.Kernel;

/// <summary>
/// A file's address_space: the page cache (pages by index), i_mmap (the VMAs that map it, for rmap walks)
/// and i_mmap_rwsem.
/// </summary>
public sealed class AddressSpace
{
    public AddressSpace(string name, int pages)
    {
        Name = name;
        Pages = new Frame?[pages];
        IMmapRwsem = new LockState($"i_mmap_rwsem({name})", LockKind.RwSem);
    }

    public string Name { get; }
    public Frame?[] Pages { get; }
    /// <summary>i_mmap, kept in insertion order (the kernel's interval tree order is by pgoff; both are deterministic).</summary>
    public List<Vma> IMmap { get; } = new();
    public LockState IMmapRwsem { get; }
    /// <summary>The flusher that writes this file back (woken when a page becomes dirty), if any.</summary>
    public WritebackActor? Flusher { get; set; }
    /// <summary>Pages of this file are tracked by the lost-write oracle.</summary>
    public bool Tracked { get; set; } = true;

    internal void Reset()
    {
        Array.Clear(Pages);
        IMmap.Clear();
        IMmapRwsem.Reset();
    }
}

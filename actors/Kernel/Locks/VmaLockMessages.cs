namespace StressVm.Kernel;

/// <summary>vma_start_read (a trylock) or vma_start_write (waits for readers to drain).</summary>
public sealed class VmaLockRequest
{
    public Vma Vma = null!;
    public bool Write;
    public override string ToString() => (Write ? "vma_start_write " : "vma_start_read ") + Vma.Name;
}

/// <summary>vma_start_read's answers: locked, NULL (fall back to mmap_lock) or -EAGAIN (detached: look up again).</summary>
public sealed class VmaLockReply
{
    public static readonly VmaLockReply Locked = new("locked");
    public static readonly VmaLockReply Busy = new("busy");
    public static readonly VmaLockReply Detached = new("detached");
    private readonly string _name;
    private VmaLockReply(string name) => _name = name;
    public override string ToString() => _name;
}

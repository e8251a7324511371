using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>Self-message: run one writeback pass over the mapping.</summary>
public sealed class WritebackPass
{
    public static readonly WritebackPass Instance = new();
    public override string ToString() => "writeback pass";
}

/// <summary>
/// A flusher thread (a kernel thread: no user TLB) writing back one shared file, woken when a page of it
/// becomes dirty, for at most Passes passes (<see cref="WritebackOps.WriteRange"/>).
/// </summary>
public sealed class WritebackActor : KernelActor
{
    public WritebackActor(KernelState k, string name) : base(k)
    {
        Name = name;
        ReceiveAsync<WritebackPass>(OnPass);
    }

    public string Name { get; }
    public AddressSpace Mapping { get; set; } = null!;
    public int Passes { get; set; } = 1;
    public WalkKind WalkKind { get; set; } = WalkKind.FolioMkclean;
    public int PassesDone { get; private set; }
    public int PagesWritten { get; private set; }

    private bool _queued;
    private int _started;

    /// <summary>From the run's start action: a first pass if something is already dirty.</summary>
    public void Start()
    {
        foreach (var p in Mapping.Pages)
            if (p is not null && p.Dirty) { Kick(); return; }
    }

    /// <summary>wb_wakeup: queue a pass unless one is queued or the pass budget is spent.</summary>
    public void Kick()
    {
        if (_queued || _started >= Passes) return;
        _queued = true;
        _started++;
        Self.Tell(WritebackPass.Instance);
    }

    protected override bool TryReset()
    {
        PassesDone = 0;
        PagesWritten = 0;
        _queued = false;
        _started = 0;
        return true;
    }

    protected override string DescribeState() => $"pass {PassesDone}/{Passes}";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnPass(WritebackPass _)
    {
        _queued = false;
        Begin("writeback", Mapping.Name);
        PagesWritten += await WritebackOps.WriteRange(this, Mapping, WalkKind, 0, Mapping.Pages.Length).ConfigureAwait(false);
        End("writeback");
        PassesDone++;
    }
}

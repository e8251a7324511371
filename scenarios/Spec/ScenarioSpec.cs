using StressVm.Kernel;

namespace StressVm.Scenarios;

/// <summary>A file (address_space) with a number of pages.</summary>
public sealed record FileSpec(string Name, int Pages);

/// <summary>
/// A VMA: start and length in pages, flags, and for file mappings the file, pgoff and driver. <paramref name="ByMmap"/>:
/// not mapped before the run; an <c>mmap</c> instruction maps it (MAP_FIXED at Start).
/// </summary>
public sealed record VmaSpec(string Name, int Start, int Pages, VmFlags Flags, string? File = null, int Pgoff = 0, string? Driver = null, bool ByMmap = false, int Process = 0)
{
    /// <summary>mmap(MAP_SHARED | MAP_ANONYMOUS): shmem.</summary>
    public bool IsSharedAnon => File is null && Driver is null && (Flags & VmFlags.Shared) != 0;
}

/// <summary>A CPU (one thread of process <paramref name="Process"/>, an index into ScenarioSpec.Processes) and its program.</summary>
public sealed record CpuSpec(string Name, IReadOnlyList<CpuOp> Program, int Process = 0);

/// <summary>
/// A process: its own mm (VMA tree, page tables, mmap_lock, mm_cpumask); its CPUs are its threads. With a
/// <paramref name="Parent"/> (an index into ScenarioSpec.Processes) it is created by a <c>fork</c> instruction of
/// a parent's thread: it starts with a copy of the parent's VMAs, and its threads run once the fork returned.
/// </summary>
public sealed record ProcessSpec(string Name, int Parent = -1)
{
    /// <summary>The process whose declared VMAs process <paramref name="p"/> has: itself, or for a forked one its root
    /// ancestor (fork copies the parent's VMAs, so a child's are the copies of what its ancestor declared).</summary>
    public static int RootOf(IReadOnlyList<ProcessSpec> processes, int p)
    {
        while (processes[p].Parent >= 0) p = processes[p].Parent;
        return p;
    }
}

/// <summary>A background kernel actor: today the generic writeback of one file.</summary>
public sealed record BackgroundSpec(string Kind, string Name, string File, int Passes = 1, WalkKind Walk = WalkKind.FolioMkclean);

/// <summary>
/// Swarm testing: each seed draws which operations are enabled and a random program per CPU over the
/// scenario's VMAs (the CPUs' written programs are ignored).
/// </summary>
public sealed record SwarmSpec(int OpsPerCpu, IReadOnlyList<OpKind> Operations);

/// <summary>
/// A scenario: a litmus-like description of one process (VMAs, each CPU's program), background actors,
/// pinned bug knobs and the expected verdict ("pass" or an invariant's name).
/// </summary>
public sealed record ScenarioSpec
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Where it was loaded from ("scenarios/NAME.conf" for built-ins), or null.</summary>
    public string? Source { get; init; }
    /// <summary>16 hex digits of the file's content (<see cref="Recipe.HashContent"/>): a schedule recorded on another version of the file is refused.</summary>
    public string? ContentHash { get; init; }
    public string Expect { get; init; } = "pass";
    /// <summary>Other invariants the planted bug may fire (<c>expect-also</c>): expected when found, never required.</summary>
    public IReadOnlyList<string> ExpectAlso { get; init; } = [];
    public IReadOnlyDictionary<string, bool> Pins { get; init; } = new Dictionary<string, bool>();
    /// <summary>Pinned non-bug kernel settings (stressvm.kernel.perf.mode, fbdefio.version, ...), by name.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<FileSpec> Files { get; init; } = [];
    public IReadOnlyList<VmaSpec> Vmas { get; init; } = [];
    public IReadOnlyList<CpuSpec> Cpus { get; init; } = [];
    /// <summary>The processes (<c>processes</c>); one implicit process "mm" when the scenario declares none.</summary>
    public IReadOnlyList<ProcessSpec> Processes { get; init; } = [new ProcessSpec("mm")];
    public IReadOnlyList<BackgroundSpec> Background { get; init; } = [];
    public SwarmSpec? Swarm { get; init; }
    /// <summary>Step budget for this scenario (0: the run settings decide).</summary>
    public int MaxSteps { get; init; }
    /// <summary>Pinned mailbox order (the scenario's <c>mailbox-order</c>); null: the run settings decide.</summary>
    public StressVm.Runtime.MailboxOrder? MailboxOrder { get; init; }
    /// <summary>The expected outcome vector's clauses (<c>outcomes</c>, <c>forbid</c>, <c>exists</c>), or null.</summary>
    public OutcomeClauses? Outcomes { get; init; }

    public bool ExpectsPass => Expect == "pass";

    /// <summary>The knobs for a run: defaults, then this scenario's pins, then overrides (later wins).</summary>
    public KernelKnobs Knobs(KernelKnobs? baseKnobs = null, IReadOnlyDictionary<string, bool>? overrides = null,
        IReadOnlyDictionary<string, string>? settingOverrides = null)
    {
        var k = baseKnobs ?? KernelKnobs.Upstream;
        foreach (var (name, on) in Pins) k = k.With(name, on);
        foreach (var (name, value) in Settings) k = k.WithSetting(name, value);
        if (overrides is not null) foreach (var (name, on) in overrides) k = k.With(name, on);
        if (settingOverrides is not null) foreach (var (name, value) in settingOverrides) k = k.WithSetting(name, value);
        return k.Checked();
    }
}

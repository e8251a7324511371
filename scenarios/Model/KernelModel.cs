using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>
/// A loaded scenario as something the explorer runs: one actor system built once (CPUs, background
/// actors, lock owners, TLB shootdown) whose kernel memory is rebuilt in place for every seed.
/// </summary>
public sealed class KernelModel : IShrinkableModel
{
    private readonly Vma[] _vmas;
    private readonly VmOperations?[] _ops;
    private readonly CpuActor[] _cpus;
    private readonly WritebackActor[] _background;
    private readonly LockOwner _mmapLocks, _ptls, _pageLocks, _immap;

    public KernelModel(ScenarioSpec spec, KernelKnobs knobs, int maxSteps = 10_000, bool recordTrace = false)
    {
        Spec = spec;
        Knobs = knobs;
        K = new KernelState(knobs);
        System = new ActorSystem(spec.MaxSteps > 0 ? spec.MaxSteps : maxSteps, recordTrace);

        // One mm per process (one implicit process "mm" when the scenario declares none).
        _mms = new MmStruct[spec.Processes.Count];
        for (int p = 0; p < _mms.Length; p++)
        {
            int maxVpn = 1;
            int owner = ProcessSpec.RootOf(spec.Processes, p); // a forked process maps what its ancestor declared
            foreach (var v in spec.Vmas)
                if (v.Process == owner) maxVpn = Math.Max(maxVpn, v.Start + v.Pages);
            K.Mms.Add(_mms[p] = new MmStruct(K, spec.Processes[p].Name, (maxVpn + PageTable.PtrsPerPte - 1) / PageTable.PtrsPerPte));
        }
        Mm = _mms[0];
        foreach (var f in spec.Files) K.Files.Add(new AddressSpace(f.Name, f.Pages));
        // A shared anonymous VMA is shmem (shmem_zero_setup): its own unlinked file, driver ShmemOps.
        _shmem = new AddressSpace?[spec.Vmas.Count];
        for (int i = 0; i < spec.Vmas.Count; i++)
            if (IsSharedAnon(spec.Vmas[i])) K.Files.Add(_shmem[i] = new AddressSpace("shmem:" + spec.Vmas[i].Name, spec.Vmas[i].Pages));

        // Actors: CPUs first (their ids are the schedule's most common choices), then background, then owners.
        _cpus = new CpuActor[spec.Cpus.Count];
        for (int i = 0; i < _cpus.Length; i++)
        {
            var mm = _mms[spec.Cpus[i].Process];
            var cpu = new CpuActor(K, mm, spec.Cpus[i].Name);
            System.ActorOf(Props.Create(() => cpu), cpu.Name);
            mm.Cpus.Add(cpu); // mm_cpumask: TLB shootdowns of this mm go to its CPUs
            _cpus[i] = cpu;
        }
        _background = new WritebackActor[spec.Background.Count];
        for (int i = 0; i < _background.Length; i++)
        {
            var b = spec.Background[i];
            var wb = new WritebackActor(K, b.Name) { Mapping = File(b.File), Passes = b.Passes, WalkKind = b.Walk };
            System.ActorOf(Props.Create(() => wb), b.Name);
            wb.Mapping.Flusher = wb;
            _background[i] = wb;
        }
        _mmapLocks = Owner("mmap_lock");
        _ptls = Owner("ptl");
        _pageLocks = Owner("page_lock");
        _immap = Owner("i_mmap_rwsem");
        K.MmapLocks = _mmapLocks;
        K.Ptls = _ptls;
        K.PageLocks = _pageLocks;
        K.IMmapLocks = _immap;
        var vmaLocks = new VmaLockActor();
        System.ActorOf(Props.Create(() => vmaLocks), "vma_lock");
        K.VmaLocks = vmaLocks;
        var shootdown = new TlbShootdown();
        System.ActorOf(Props.Create(() => shootdown), "tlb");
        K.Shootdown = shootdown;
        var sched = new SchedActor();
        System.ActorOf(Props.Create(() => sched), "sched");
        K.Sched = sched;

        foreach (var mm in _mms)
        {
            _mmapLocks.Own(mm.MmapLock);
            foreach (var t in mm.Tables) _ptls.Own(t.Ptl);
        }
        foreach (var f in K.Files) _immap.Own(f.IMmapRwsem);

        _vmas = new Vma[spec.Vmas.Count];
        _ops = new VmOperations?[spec.Vmas.Count];
        // One vm_operations instance per (driver, file): VMAs of one file share the driver's device state.
        var shared = new Dictionary<string, VmOperations>(StringComparer.Ordinal);
        var devices = new List<(DriverDevice Device, AddressSpace? Mapping)>();
        for (int i = 0; i < _vmas.Length; i++)
        {
            var s = spec.Vmas[i];
            if (_shmem[i] is { } shm)
            {
                var ops = new ShmemOps();
                devices.Add((ops.Device!, shm));
                K.Devices.Add(ops.Device!);
                _ops[i] = ops;
            }
            else if (s.Driver is not null)
            {
                string key = s.Driver + "/" + s.File;
                if (!shared.TryGetValue(key, out var ops))
                {
                    shared[key] = ops = DriverRegistry.Create(s.Driver);
                    if (ops.Device is { } d)
                    {
                        devices.Add((d, s.File is null ? null : File(s.File)));
                        d.Attach(System, K);
                        K.Devices.Add(d);
                    }
                }
                _ops[i] = ops;
            }
            _vmas[i] = new Vma { Name = s.Name, Mm = _mms[s.Process] };
            // What "mmap <vma>" maps (CpuOp.Target = i): the same file, driver instance and flags.
            K.MmapRequests.Add(new MmapRequest
            {
                Name = s.Name, Start = s.Start, Pages = s.Pages, Flags = s.Flags, Pgoff = s.Pgoff,
                Mapping = _shmem[i] ?? (s.File is null ? null : File(s.File)), Ops = _ops[i],
            });
        }
        _devices = devices.ToArray();
        System.AddMonitor(new KernelMonitor(K));
        if (spec.Outcomes is { } clauses) System.AddMonitor(_outcomes = new OutcomeChecker(clauses, _cpus));
        _start = StartActors;
    }

    private readonly Action<ActorSystem> _start;
    private VmaSpec[][]? _pools;
    private readonly OutcomeChecker? _outcomes;

    /// <summary>The last schedule's outcome vector ("cpu0.0=stored cpu0.1=sigbus:adrerr ...").</summary>
    public string OutcomeVectorText => OutcomeVector.Text(_cpus);
    private readonly (DriverDevice Device, AddressSpace? Mapping)[] _devices;
    private readonly AddressSpace?[] _shmem;

    private static bool IsSharedAnon(VmaSpec v) => v.File is null && v.Driver is null && (v.Flags & VmFlags.Shared) != 0;

    public string Name => Spec.Name;
    public ScenarioSpec Spec { get; }
    public KernelKnobs Knobs { get; }
    public KernelState K { get; }
    /// <summary>The first process's mm (the only one unless the scenario declares processes).</summary>
    public MmStruct Mm { get; }
    public IReadOnlyList<MmStruct> Mms => _mms;
    private readonly MmStruct[] _mms;
    public ActorSystem System { get; }
    public IReadOnlyList<CpuActor> Cpus => _cpus;
    public IReadOnlyList<WritebackActor> Background => _background;
    public Vma Vma(string name) => _vmas.First(v => v.Name == name);
    public AddressSpace File(string name) => K.Files.First(f => f.Name == name);

    private LockOwner Owner(string name)
    {
        var o = new LockOwner();
        System.ActorOf(Props.Create(() => o), name);
        return o;
    }

    /// <summary>Rebuilds the machine for <paramref name="seed"/>: empty memory, the scenario's VMAs, programs.</summary>
    public Action<ActorSystem>? PrepareRun(ulong seed)
    {
        K.ResetMemory();
        foreach (var (d, mapping) in _devices) d.Reset(K, mapping);
        for (int i = 0; i < _vmas.Length; i++)
        {
            var s = Spec.Vmas[i];
            if (s.ByMmap) continue; // mapped = by-mmap: an mmap instruction maps it (MmapSyscall)
            var v = _vmas[i];
            v.Start = s.Start;
            v.End = s.Start + s.Pages;
            v.Flags = s.Flags;
            v.Pgoff = s.Pgoff;
            v.Ops = _ops[i];
            v.Mapping = _shmem[i] ?? (s.File is null ? null : File(s.File));
            v.ResetLock();
            // "Mapped before the run": __mmap_region's steps with nothing else running (see MmapRegion).
            v.PageProt = PgProt.VmGetPageProt(v.Flags); // __mmap_new_vma: vma->vm_page_prot = map->page_prot
            v.Ops?.Mmap(K, v, -1);                     // __mmap_new_file_vma -> mmap_file -> f_op->mmap
            v.Mm.InsertVma(v);                         // vma_iter_store_new
            v.Mapping?.IMmap.Add(v);                   // vma_link_file
            PgProt.VmaSetPageProt(v);                  // __mmap_complete -> vma_set_page_prot
        }
        if (Spec.Swarm is null)
            for (int i = 0; i < _cpus.Length; i++) _cpus[i].SetProgram(ToArray(Spec.Cpus[i].Program));
        else
            SwarmPrograms.Draw(Spec, Spec.Swarm, seed, _cpus, _pools ??= SwarmPrograms.VmaPools(Spec));
        if (DroppedOperations.Count > 0) DropOperations();
        K.ClearEvents();
        return _start;
    }

    /// <summary>Operations numbered across CPUs in order (cpu0's first, then cpu1's...); the minimizer drops some.</summary>
    public IReadOnlySet<int> DroppedOperations { get; set; } = new HashSet<int>();

    public int OperationCount(ulong seed)
    {
        var saved = DroppedOperations;
        DroppedOperations = new HashSet<int>();
        PrepareRun(seed);
        DroppedOperations = saved;
        int n = 0;
        foreach (var c in _cpus) n += c.Program.Length;
        return n;
    }

    private void DropOperations()
    {
        int index = 0;
        foreach (var c in _cpus)
        {
            var kept = new List<CpuOp>(c.Program.Length);
            foreach (var op in c.Program)
                if (!DroppedOperations.Contains(index++)) kept.Add(op);
            c.SetProgram(kept.ToArray());
        }
    }

    private void StartActors(ActorSystem _)
    {
        for (int i = 0; i < _cpus.Length; i++)
            if (Spec.Processes[Spec.Cpus[i].Process].Parent < 0) _cpus[i].Start(); // a child's threads start at fork
        foreach (var b in _background) b.Start();
        foreach (var (d, _) in _devices) d.Start();
    }

    private static CpuOp[] ToArray(IReadOnlyList<CpuOp> p) => p as CpuOp[] ?? p.ToArray();

    public void AddCounters(IDictionary<string, long> into)
    {
        Add(into, "faults", K.Faults);
        Add(into, "fault-retries", K.Retries);
        Add(into, "tlb-flushes", K.Flushes);
        Add(into, "ipis", K.Ipis);
        foreach (var (d, _) in _devices) d.AddCounters(into);
        if (_outcomes is not null)
            for (int i = 0; i < _outcomes.ExistsSeen.Length; i++)
            {
                Add(into, $"exists {Spec.Outcomes!.Exists[i]}", _outcomes.ExistsSeen[i]);
                _outcomes.ExistsSeen[i] = 0;
            }
    }

    private static void Add(IDictionary<string, long> d, string key, long v) => d[key] = (d.TryGetValue(key, out var old) ? old : 0) + v;
}

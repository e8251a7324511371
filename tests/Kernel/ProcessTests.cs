using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// Several processes (each its own mm, mmap_lock and mm_cpumask) sharing a file, and exit: the last thread's
/// exit_mmap (mm/mmap.c) zaps every VMA, unlinks it from i_mmap and frees it.
/// </summary>
public class ProcessTests
{
    private const string TwoProcesses =
        "files = [ { name = f0, pages = 2 } ]\n" +
        "processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1, cpu2] } ]\n" +
        "vmas = [ { name = fa, start = 0x20, pages = 2, shared = true, file = f0, process = a }\n" +
        "         { name = fb, start = 0x20, pages = 2, shared = true, file = f0, process = b }\n" +
        "         { name = anon, start = 0x10, process = b } ]\n";

    private static KernelModel Run(string text, ulong seed = 0)
    {
        var spec = ScenarioLoader.Parse(text, "procs.conf");
        var model = new KernelModel(spec, spec.Knobs());
        var r = Explorer.RunOne(model, new RandomStrategy(), seed);
        Assert.Equal(Outcome.Completed, r.Outcome);
        return model;
    }

    [Fact]
    public void EachProcessHasItsOwnMmAndTheFileIsSharedThroughIMmap()
    {
        var m = Run(TwoProcesses + "cpus = [ { name = cpu0, program = [\"store fa\"] }, { name = cpu1, program = [\"load fb\"] }, { name = cpu2, program = [\"store anon\"] } ]\n");
        Assert.Equal(2, m.Mms.Count);
        var (a, b) = (m.Mms[0], m.Mms[1]);
        Assert.Equal(["cpu0"], a.Cpus.Select(c => c.Name));         // mm_cpumask
        Assert.Equal(["cpu1", "cpu2"], b.Cpus.Select(c => c.Name));
        Assert.Null(a.FindVma(0x10));                               // anon belongs to b only
        Assert.Equal(2, m.File("f0").IMmap.Count);                  // rmap walks reach both mms
        var page = m.File("f0").Pages[0]!;
        Assert.Equal(page.Pfn, a.GetPte(0x20).Pfn);
        Assert.Equal(page.Pfn, b.GetPte(0x20).Pfn);                 // one page, two mms
        Assert.Equal(2, page.Mapcount);
    }

    [Fact]
    public void TheLastThreadsExitTearsTheMmDown()
    {
        var m = Run(TwoProcesses + "cpus = [ { name = cpu0, program = [\"store fa\"] }, { name = cpu1, program = [\"store fb\", \"exit\"] }, { name = cpu2, program = [\"store anon\", \"exit\"] } ]\n");
        var (a, b) = (m.Mms[0], m.Mms[1]);
        Assert.True(b.Dead);
        Assert.Empty(b.Vmas);
        Assert.True(b.GetPte(0x20).IsNone && b.GetPte(0x10).IsNone);
        Assert.Equal([m.Vma("fa")], m.File("f0").IMmap);            // b's VMA left i_mmap
        Assert.True(m.Vma("fb").Freed && m.Vma("anon").Freed);
        Assert.False(a.Dead);
        var page = m.File("f0").Pages[0]!;
        Assert.Equal(1, page.Mapcount);
        Assert.True(page.Dirty);                                    // zap moved b's dirty bit into the folio
    }

    [Fact]
    public void AnExitRacingAWritebackOfTheSharedFileIsCleanAndTheZapKnobFiresAcrossMms()
    {
        string text = TwoProcesses +
            "cpus = [ { name = cpu0, program = [\"store fa\", \"store fa+1\", \"load fa\"] }, { name = cpu1, program = [\"store fb\", \"store fb+1\", \"exit\"] }, { name = cpu2, program = [\"exit\"] } ]\n" +
            "background = [ { kind = writeback, file = f0, passes = 3 } ]\n";
        var spec = ScenarioLoader.Parse(text, "procs.conf");
        for (ulong seed = 0; seed < 300; seed++)
        {
            var model = new KernelModel(spec, spec.Knobs());
            var r = Explorer.RunOne(model, new RandomStrategy(), seed);
            Assert.False(r.IsBug, $"seed {seed}: {r.Violation}");
        }
        var bug = spec.Knobs().With("zap-flush-at-batch-end", true);
        var buggy = new KernelModel(spec, bug);
        var pct = new PctStrategy(3, 80);
        int found = -1;
        for (ulong seed = 0; seed < 2000 && found < 0; seed++)
            if (Explorer.RunOne(buggy, pct, seed) is { IsBug: true } r && r.Violation!.Invariant == Invariants.StaleWritableTlb) found = (int)seed;
        Assert.True(found >= 0, "zap-flush-at-batch-end: exit_mmap's zap vs writeback in the other mm raised nothing in 2,000 schedules");
    }

    [Theory]
    [InlineData("processes = [ { name = a, cpus = [cpu0] } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 }, { name = cpu1 } ]", "CPU 'cpu1' is in no process")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu0] } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 } ]", "already runs process 'a'")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1] } ]\nvmas = [ { name = v, start = 1, process = b } ]\ncpus = [ { name = cpu0, program = [\"load v\"] }, { name = cpu1 } ]", "belongs to process 'b'")]
    [InlineData("vmas = [ { name = v, start = 1, process = z } ]", "no process named 'z'")]
    [InlineData("vmas = [ { name = v, start = 1 } ]\ncpus = [ { program = [\"exit\", \"load v\"] } ]", "must be the last instruction")]
    [InlineData("vmas = [ { name = v, start = 1 } ]\ncpus = [ { program = [\"exit\"] }, { program = [\"load v\"] } ]", "every thread must end with exit, or none")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu9] } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 } ]", "no CPU named 'cpu9'")]
    public void TheLoaderRejectsWhatProcessesCannotModel(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "bad.conf"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("bad.conf:", e.Message);
    }

    [Fact]
    public void VmasOfTwoProcessesMayShareAnAddress()
    {
        var s = ScenarioLoader.Parse(TwoProcesses + "cpus = [ { name = cpu0 }, { name = cpu1 }, { name = cpu2 } ]\n", "ok.conf");
        Assert.Equal(0, s.Vmas[0].Process);
        Assert.Equal(1, s.Vmas[1].Process);
        Assert.Equal(s.Vmas[0].Start, s.Vmas[1].Start);
    }

    private const string Forking =
        "files = [ { name = f0, pages = 2 }, { name = p0, pages = 3 } ]\n" +
        "processes = [ { name = parent, cpus = [cpu0] }, { name = child, cpus = [cpu1], parent = parent } ]\n" +
        "vmas = [ { name = anon, start = 0x10, pages = 2 }\n" +
        "         { name = buf, start = 0x20, pages = 2, shared = true, file = f0 }\n" +
        "         { name = rb, start = 0x40, pages = 3, shared = true, file = p0, driver = perf } ]\n";

    [Fact]
    public void ForkCopiesAnonymousPtesWriteProtectedAndSkipsWhatFaultsRefill()
    {
        var m = Run(Forking + "cpus = [ { name = cpu0, program = [\"store anon\", \"store buf\", \"fork child\"] }, { name = cpu1, program = [] } ]\n");
        var (parent, child) = (m.Mms[0], m.Mms[1]);
        Assert.Equal(["anon", "buf"], child.Vmas.Select(v => v.Name));           // perf's VM_DONTCOPY VMA stays behind
        var page = m.K.FrameAt(parent.GetPte(0x10).Pfn);
        Assert.False(parent.GetPte(0x10).Write);                                  // wrprotect_ptes: COW on both sides
        Assert.False(child.GetPte(0x10).Write);
        Assert.Equal(page.Pfn, child.GetPte(0x10).Pfn);
        Assert.Equal((2, 2), (page.Refcount, page.Mapcount));
        Assert.True(child.FindVma(0x10)!.AnonVma);                                // anon_vma_fork
        Assert.True(child.GetPte(0x20).IsNone);                                   // vma_needs_copy: a shared file refaults
        Assert.Equal(2, m.File("f0").IMmap.Count);                                // the copy joins i_mmap
    }

    [Fact]
    public void TheChildsThreadsRunAfterForkAndCowKeepsTheProcessesApart()
    {
        var m = Run(Forking + "cpus = [ { name = cpu0, program = [\"store anon\", \"fork child\", \"store anon\", \"load anon\"] }, { name = cpu1, program = [\"load anon\", \"store anon\", \"load anon\"] } ]\n");
        var c1 = m.Cpus[1].Outcomes;
        Assert.Equal("cpu0.0", c1[0].Value);   // the child sees the pre-fork store
        Assert.Equal("cpu1.1", c1[2].Value);   // and then its own, not the parent's post-fork one
        Assert.Equal("cpu0.2", m.Cpus[0].Outcomes[3].Value);
    }

    [Fact]
    public void B18ForkWithoutVmaWriteLockBreaksTheChildsRmapAndTheFixIsClean()
    {
        var (n, first) = StressVm.Tests.Drivers.DriverScenarios.FirstViolation("fork-vs-vma-locked-fault", StressVm.Tests.Drivers.DriverScenarios.Settings("pct"), 2000, Invariants.Refcount);
        Assert.True(n <= 2000, "fork-no-vma-write-lock: no refcount finding in 2,000 PCT schedules");
        Assert.Contains("no anon_vma", first!.Violation!.Detail);
        var off = StressVm.Tests.Drivers.DriverScenarios.Settings("pct", knobs: new Dictionary<string, bool> { ["fork-no-vma-write-lock"] = false });
        var (findings, _, bad) = StressVm.Tests.Drivers.DriverScenarios.Explore("fork-vs-vma-locked-fault", off, 2000);
        Assert.True(findings.Count == 0, $"{bad}");
    }

    [Theory]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1], parent = a } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 }, { name = cpu1 } ]", "exactly one 'fork b'")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1], parent = a } ]\nvmas = [ { name = v, start = 1, process = b } ]", "created by fork")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1] } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0, program = [\"fork b\"] }, { name = cpu1 } ]", "not a child of 'a'")]
    [InlineData("processes = [ { name = b, cpus = [cpu1], parent = a } ]", "a parent is declared before its child")]
    [InlineData("vmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 } ]\nswarm { operations = [load, fork] }", "fork needs a process to create")]
    [InlineData("processes = [ { name = a, cpus = [cpu0] }, { name = b, cpus = [cpu1], parent = a } ]\nvmas = [ { name = v, start = 1 } ]\ncpus = [ { name = cpu0 }, { name = cpu1 } ]\nswarm { operations = [load] }", "list fork under 'operations'")]
    public void TheLoaderRejectsWhatForkCannotModel(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "bad.conf"));
        Assert.Contains(message, e.Message);
    }

    private const string SwarmFork =
        "files = [ { name = f0, pages = 2 } ]\n" +
        "processes = [ { name = parent, cpus = [cpu0, cpu1] }, { name = child, cpus = [cpu2], parent = parent } ]\n" +
        "vmas = [ { name = anon, start = 0x10, pages = 2 }, { name = buf, start = 0x20, pages = 2, shared = true, file = f0 } ]\n" +
        "cpus = [ { name = cpu0 }, { name = cpu1 }, { name = cpu2 } ]\n" +
        "swarm { ops-per-cpu = 3, operations = [store, munmap, mmap, fork, exit] }\n";

    [Fact]
    public void ASwarmForksEachChildOnceFromAParentThreadWhenTheSeedEnablesFork()
    {
        var spec = ScenarioLoader.Parse(SwarmFork, "swarm-fork.conf");
        var model = new KernelModel(spec, spec.Knobs());
        int forked = 0, unforked = 0;
        for (ulong seed = 0; seed < 200; seed++)
        {
            var r = Explorer.RunOne(model, new RandomStrategy(), seed);
            Assert.Equal(Outcome.Completed, r.Outcome);
            var forks = model.Cpus.Take(2).SelectMany(c => c.Program.ToArray()).Where(op => op.Kind == OpKind.Fork).ToList();
            Assert.DoesNotContain(model.Cpus[2].Program.ToArray(), op => op.Kind == OpKind.Fork);
            bool enabled = SwarmPrograms.Describe(spec.Swarm!, seed).Split(',').Contains("fork");
            Assert.Equal(enabled ? 1 : 0, forks.Count);
            var child = model.Cpus[2];
            if (enabled)
            {
                forked++;
                Assert.Equal(1, forks[0].Target);                           // KernelState.Mms[1]: the child
                Assert.True(child.Outcomes.ToArray().All(o => o.Kind != OutcomeKind.NotRun)); // its thread ran to the end
            }
            else
            {
                unforked++;
                Assert.True(child.Outcomes.ToArray().All(o => o.Kind == OutcomeKind.NotRun)); // never created, never run
            }
        }
        Assert.True(forked > 0 && unforked > 0, $"{forked} seeds forked, {unforked} did not");
    }

    [Fact]
    public void ASwarmForkIsDrawnBeforeTheThreadsExitAndTheChildDrawsItsParentsVmas()
    {
        var spec = ScenarioLoader.Parse(SwarmFork, "swarm-fork.conf");
        var model = new KernelModel(spec, spec.Knobs());
        for (ulong seed = 0; seed < 200; seed++)
        {
            model.PrepareRun(seed);
            var enabled = SwarmPrograms.Describe(spec.Swarm!, seed).Split(',');
            foreach (var c in model.Cpus)
            {
                var program = c.Program.ToArray();
                if (enabled.Contains("exit")) Assert.Equal(OpKind.Exit, program[^1].Kind);
                // the child's accesses, munmaps and mmaps name the parent's VMAs (the copies it gets at fork)
                foreach (var op in program.Where(op => op.Kind is OpKind.Store or OpKind.Munmap))
                    Assert.True(op.Vpn is >= 0x10 and < 0x12 or >= 0x20 and < 0x22, $"{c.Name}: {op}");
            }
        }
    }
}

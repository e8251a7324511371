using StressVm.Kernel;
using StressVm.Runtime;

namespace StressVm.Scenarios;

/// <summary>
/// Swarm testing (TigerBeetle's VOPR, Groce et al.): the seed picks which operations are enabled, then a
/// random program per CPU over the scenario's VMAs, from its own PRNG stream ("swarm"), so the schedule's
/// stream is untouched.
/// </summary>
public static class SwarmPrograms
{
    /// <summary>
    /// Draws every CPU's program for <paramref name="seed"/>. <paramref name="pools"/> (from <see cref="VmaPools"/>,
    /// computed once per model): the VMAs each CPU draws over.
    /// </summary>
    public static void Draw(ScenarioSpec spec, SwarmSpec swarm, ulong seed, IReadOnlyList<CpuActor> cpus, VmaSpec[][] pools)
    {
        var rng = Prng.Split(seed, "swarm");
        Span<OpKind> enabled = stackalloc OpKind[swarm.Operations.Count];
        int n = DrawEnabled(swarm, rng, enabled);
        // exit and fork are no drawn operations: when the seed enables exit, every thread's program ends with exit;
        // when it enables fork, one drawn place in a parent thread's program forks each child process (below).
        bool exit = Remove(OpKind.Exit, enabled, ref n);
        bool fork = Remove(OpKind.Fork, enabled, ref n);
        var programs = new CpuOp[cpus.Count][];
        for (int c = 0; c < cpus.Count; c++)
        {
            var vmas = pools[c]; // a thread reaches its own process's VMAs (a forked one: the copies of its ancestor's)
            var program = programs[c] = new CpuOp[swarm.OpsPerCpu + (exit ? 1 : 0)];
            if (exit) program[^1] = CpuOp.Exit;
            for (int i = 0; i < swarm.OpsPerCpu; i++)
            {
                var kind = enabled[rng.NextInt(n)];
                var v = vmas[rng.NextInt(vmas.Length)];
                program[i] = kind switch
                {
                    OpKind.Load or OpKind.Store => new CpuOp(kind, v.Start + rng.NextInt(v.Pages)),
                    OpKind.Mmap => CpuOp.Mmap(v.Start, v.Pages, IndexOf(spec.Vmas, v)),
                    _ => new CpuOp(kind, v.Start, v.Pages),
                };
            }
        }
        // Drawn after every program, so a scenario without fork draws what it drew before fork was a swarm operation.
        // Without fork a child process is never created: its threads never run.
        if (fork)
            for (int p = 0; p < spec.Processes.Count; p++)
            {
                int parent = spec.Processes[p].Parent;
                if (parent < 0) continue;
                int threads = 0;
                foreach (var cs in spec.Cpus) if (cs.Process == parent) threads++;
                int t = rng.NextInt(threads), c = 0;
                for (; ; c++)
                    if (spec.Cpus[c].Process == parent && t-- == 0) break;
                var old = programs[c];
                int at = rng.NextInt(old.Length - (exit ? 1 : 0) + 1); // anywhere before the thread's exit
                var program = new CpuOp[old.Length + 1];
                Array.Copy(old, program, at);
                program[at] = CpuOp.Fork(p);
                Array.Copy(old, at, program, at + 1, old.Length - at);
                programs[c] = program;
            }
        for (int c = 0; c < cpus.Count; c++) cpus[c].SetProgram(programs[c]);
    }

    private static bool Remove(OpKind kind, Span<OpKind> enabled, ref int n)
    {
        for (int i = 0; i < n; i++)
            if (enabled[i] == kind)
            {
                enabled[i] = enabled[--n];
                if (n == 0) enabled[n++] = OpKind.Store;
                return true;
            }
        return false;
    }

    private static int IndexOf(IReadOnlyList<VmaSpec> vmas, VmaSpec v)
    {
        for (int i = 0; i < vmas.Count; i++)
            if (ReferenceEquals(vmas[i], v)) return i;
        return -1;
    }

    /// <summary>
    /// Per CPU, the VMAs its program draws over: its process's (all of them in a one-process scenario: the same draws
    /// as before processes), or for a forked process its ancestor's, whose copies it gets at fork.
    /// </summary>
    public static VmaSpec[][] VmaPools(ScenarioSpec spec)
    {
        var pools = new VmaSpec[spec.Cpus.Count][];
        for (int c = 0; c < pools.Length; c++)
        {
            int owner = ProcessSpec.RootOf(spec.Processes, spec.Cpus[c].Process);
            pools[c] = spec.Processes.Count == 1 ? spec.Vmas.ToArray() : spec.Vmas.Where(v => v.Process == owner).ToArray();
        }
        return pools;
    }

    /// <summary>Each operation is enabled with probability 3/4; at least one access kind stays on. The first draws of the "swarm" stream.</summary>
    private static int DrawEnabled(SwarmSpec swarm, Prng rng, Span<OpKind> enabled)
    {
        int n = 0;
        foreach (var op in swarm.Operations)
            if (rng.Chance(3, 4)) enabled[n++] = op;
        if (n == 0) enabled[n++] = OpKind.Store;
        return n;
    }

    /// <summary>What <paramref name="seed"/> enabled ("load,store,munmap"), as a recipe records it: the same draws as <see cref="Draw"/>.</summary>
    public static string Describe(SwarmSpec swarm, ulong seed)
    {
        Span<OpKind> enabled = stackalloc OpKind[swarm.Operations.Count];
        int n = DrawEnabled(swarm, Prng.Split(seed, "swarm"), enabled);
        var names = new string[n];
        for (int i = 0; i < n; i++) names[i] = OpName(enabled[i]);
        return string.Join(",", names);
    }

    private static string OpName(OpKind k) => string.Concat(k.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

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
    public static void Draw(ScenarioSpec spec, SwarmSpec swarm, ulong seed, IReadOnlyList<CpuActor> cpus)
    {
        var rng = Prng.Split(seed, "swarm");
        Span<OpKind> enabled = stackalloc OpKind[swarm.Operations.Count];
        int n = DrawEnabled(swarm, rng, enabled);
        // exit is no drawn operation: when the seed enables it, every thread's program ends with exit.
        bool exit = false;
        for (int i = 0; i < n; i++)
            if (enabled[i] == OpKind.Exit)
            {
                exit = true;
                enabled[i] = enabled[--n];
                if (n == 0) enabled[n++] = OpKind.Store;
                break;
            }
        for (int c = 0; c < cpus.Count; c++)
        {
            var cpu = cpus[c];
            var vmas = VmasOf(spec, spec.Cpus[c].Process); // a thread reaches its own process's VMAs
            var program = new CpuOp[swarm.OpsPerCpu + (exit ? 1 : 0)];
            if (exit) program[^1] = CpuOp.Exit;
            for (int i = 0; i < swarm.OpsPerCpu; i++)
            {
                var kind = enabled[rng.NextInt(n)];
                var v = vmas[rng.NextInt(vmas.Count)];
                program[i] = kind switch
                {
                    OpKind.Load or OpKind.Store => new CpuOp(kind, v.Start + rng.NextInt(v.Pages)),
                    OpKind.Mmap => CpuOp.Mmap(v.Start, v.Pages, IndexOf(spec.Vmas, v)),
                    _ => new CpuOp(kind, v.Start, v.Pages),
                };
            }
            cpu.SetProgram(program);
        }
    }

    private static int IndexOf(IReadOnlyList<VmaSpec> vmas, VmaSpec v)
    {
        for (int i = 0; i < vmas.Count; i++)
            if (ReferenceEquals(vmas[i], v)) return i;
        return -1;
    }

    /// <summary>The VMAs of process <paramref name="p"/> (all of them in a one-process scenario: the same draws as before).</summary>
    private static IReadOnlyList<VmaSpec> VmasOf(ScenarioSpec spec, int p) =>
        spec.Processes.Count == 1 ? spec.Vmas : spec.Vmas.Where(v => v.Process == p).ToArray();

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

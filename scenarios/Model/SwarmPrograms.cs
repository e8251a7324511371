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
        // Each operation is enabled with probability 3/4; at least one access kind stays on.
        Span<OpKind> enabled = stackalloc OpKind[swarm.Operations.Count];
        int n = 0;
        foreach (var op in swarm.Operations)
            if (rng.Chance(3, 4)) enabled[n++] = op;
        if (n == 0) enabled[n++] = OpKind.Store;
        var vmas = spec.Vmas;
        foreach (var cpu in cpus)
        {
            var program = new CpuOp[swarm.OpsPerCpu];
            for (int i = 0; i < program.Length; i++)
            {
                var kind = enabled[rng.NextInt(n)];
                var v = vmas[rng.NextInt(vmas.Count)];
                program[i] = kind switch
                {
                    OpKind.Load or OpKind.Store => new CpuOp(kind, v.Start + rng.NextInt(v.Pages)),
                    _ => new CpuOp(kind, v.Start, v.Pages),
                };
            }
            cpu.SetProgram(program);
        }
    }
}

using System.Text;
using StressVm.Runtime;

namespace StressVm.Tests.Verify;

/// <summary>One operation of a toy actor's program: each runs as a step of its own.</summary>
public sealed record ToyOp(char Kind, int Location, int Value, int Target)
{
    public override string ToString() => Kind switch
    {
        'w' => $"w{Location}={Value}",
        'r' => $"r{Location}",
        'c' => $"c{Location}<{Value}",
        's' => $"send>{Target}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// Shared memory of toy actors: locations each step declares it touches (<see cref="Actor"/>'s Touch), so the
/// reduction is checked against the same dependence the kernel model would declare.
/// </summary>
public sealed class ToyWorld
{
    public int[] Memory = new int[4];
    public const int Space = Footprint.FirstModelSpace;
    /// <summary>A read of this value at this location reports a violation (a toy "kernel WARN").</summary>
    public int BadLocation = -1, BadValue = -1;
}

public sealed record ToyNext
{
    public static readonly ToyNext Instance = new();
}

public sealed record ToyPing(int From);

/// <summary>
/// Runs its program one operation per step: w (write), r (read; a read of the world's bad value is a violation),
/// c (write a value it Chooses), s (send a ping to another toy actor, which handles it as a step of its own).
/// </summary>
public sealed class ToyActor : Actor
{
    private readonly ToyWorld _world;
    private readonly IReadOnlyList<ToyOp> _program;
    private int _pc;
    public readonly List<string> Seen = new();

    public ToyActor(ToyWorld world, IReadOnlyList<ToyOp> program)
    {
        _world = world;
        _program = program;
        Receive<ToyNext>(_ => RunOp());
        Receive<ToyPing>(p =>
        {
            Touch(Footprint.Of(ToyWorld.Space + 1, 0), write: false); // declares: no shared memory
            Seen.Add($"ping{p.From}");
        });
    }

    protected internal override void PreStart()
    {
        if (_program.Count > 0) Self.Tell(ToyNext.Instance, Self);
    }

    protected internal override bool TryReset()
    {
        _pc = 0;
        Seen.Clear();
        return true;
    }

    private void RunOp()
    {
        var op = _program[_pc++];
        switch (op.Kind)
        {
            case 'w':
                Touch(Footprint.Of(ToyWorld.Space, op.Location));
                _world.Memory[op.Location] = op.Value;
                break;
            case 'c':
                Touch(Footprint.Of(ToyWorld.Space, op.Location));
                _world.Memory[op.Location] = Choose(op.Value);
                break;
            case 'r':
                Touch(Footprint.Of(ToyWorld.Space, op.Location), write: false);
                int v = _world.Memory[op.Location];
                Seen.Add($"r{op.Location}={v}");
                if (op.Location == _world.BadLocation && v == _world.BadValue)
                    ReportViolation("toy-bad-read", $"{Self.Name} read {v} at {op.Location}");
                break;
            case 's':
                Touch(Footprint.Of(ToyWorld.Space + 1, 0), write: false); // declares: no shared memory besides the send
                System.RefOf(op.Target).Tell(new ToyPing(Self.Id), Self);
                break;
        }
        if (_pc < _program.Count) Self.Tell(ToyNext.Instance, Self);
    }
}

/// <summary>A toy system: a world and its actors' programs, with a readable description for failing asserts.</summary>
public sealed class ToyModel : ISimulationModel
{
    public ToyModel(IReadOnlyList<IReadOnlyList<ToyOp>> programs, int badLocation = -1, int badValue = -1, int maxSteps = 1000)
    {
        Programs = programs;
        World = new ToyWorld { BadLocation = badLocation, BadValue = badValue };
        System = new ActorSystem(maxSteps);
        for (int i = 0; i < programs.Count; i++)
        {
            var p = programs[i];
            System.ActorOf(Props.Create(() => new ToyActor(World, p)), $"t{i}");
        }
    }

    public IReadOnlyList<IReadOnlyList<ToyOp>> Programs { get; }
    public ToyWorld World { get; }
    public string Name => "toy";
    public ActorSystem System { get; }

    public Action<ActorSystem>? PrepareRun(ulong seed)
    {
        Array.Clear(World.Memory);
        return null;
    }

    /// <summary>What a run ended with: memory and what each actor saw, or the violation.</summary>
    public string Outcome(RunResult r)
    {
        if (r.Outcome == StressVm.Runtime.Outcome.Violation) return $"violation {r.Violation!.Invariant}: {r.Violation.Detail}";
        var sb = new StringBuilder($"{r.Outcome} mem=[{string.Join(",", World.Memory)}]");
        for (int i = 0; i < System.ActorCount; i++)
            sb.Append($" t{i}:{string.Join(",", ((ToyActor)System.ActorAt(i)).Seen)}");
        return sb.ToString();
    }

    public override string ToString() => string.Join(" | ", Programs.Select((p, i) => $"t{i}: {string.Join(" ", p)}"));

    /// <summary>A random toy system from <paramref name="rng"/>: 2-3 actors, 1-3 operations each, 2 locations.</summary>
    public static ToyModel Random(Prng rng)
    {
        int actors = 2 + rng.NextInt(2);
        var programs = new List<IReadOnlyList<ToyOp>>();
        for (int a = 0; a < actors; a++)
        {
            int n = 1 + rng.NextInt(3);
            var ops = new List<ToyOp>();
            for (int i = 0; i < n; i++)
            {
                int kind = rng.NextInt(10);
                int loc = rng.NextInt(2);
                ops.Add(kind switch
                {
                    < 4 => new ToyOp('w', loc, 1 + rng.NextInt(2), 0),
                    < 7 => new ToyOp('r', loc, 0, 0),
                    < 8 => new ToyOp('c', loc, 2, 0),
                    _ => new ToyOp('s', 0, 0, (a + 1 + rng.NextInt(actors - 1)) % actors),
                });
            }
            programs.Add(ops);
        }
        return new ToyModel(programs, badLocation: rng.NextInt(2), badValue: 1 + rng.NextInt(2));
    }
}

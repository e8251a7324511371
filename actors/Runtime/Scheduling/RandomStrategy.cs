namespace StressVm.Runtime;

/// <summary>Random walk: every step picks uniformly among the enabled actors.</summary>
public sealed class RandomStrategy : ISchedulingStrategy
{
    private readonly Prng _schedule = new(0);
    private readonly Prng _values = new(0);

    public string Name => "random";

    public void Prepare(ulong seed)
    {
        _schedule.Reseed(Prng.SubSeed(seed, "schedule"));
        _values.Reseed(Prng.SubSeed(seed, "values"));
    }

    public int NextActor(ReadOnlySpan<int> enabled, int step) => enabled[_schedule.NextInt(enabled.Length)];

    public int NextValue(int bound) => _values.NextInt(bound);
}

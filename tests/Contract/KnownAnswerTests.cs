using StressVm.Runtime;
using StressVm.Runtime.Samples;
using Xunit;

namespace StressVm.Tests.Contract;

/// <summary>
/// Known answers that pin the generator and the scheduler: every saved seed, printed replay command and
/// schedule file depends on them. A change here invalidates every reproducer users hold; if it is meant,
/// say so in the changelog and bump the schedule format (Schedule.FormatVersion), never update the numbers silently.
/// The golden runs use the runtime's own toy (three clients racing read-modify-write on a counter), so a change
/// to the kernel model does not move them; only the runtime, the PRNG or a strategy does.
/// </summary>
public class KnownAnswerTests
{
    [Fact]
    public void TheGeneratorIsXoshiro256StarStarSeededBySplitMix64()
    {
        var rng = new Prng(42);
        ulong[] first = [rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64()];
        Assert.Equal(new ulong[] { 1546998764402558742UL, 6990951692964543102UL, 12544586762248559009UL, 17057574109182124193UL }, first);
        Assert.Equal(6094998769595812350UL, Prng.SubSeed(7, "schedule"));
        var bounded = new Prng(Prng.SubSeed(7, "values"));
        Assert.Equal(new[] { 9, 0, 4, 0, 1 }, Enumerable.Range(0, 5).Select(_ => bounded.NextInt(10)).ToArray());
    }

    [Theory]
    [InlineData("random", 5UL, 21, 13863812908110868263UL)]
    [InlineData("pct:3:40", 5UL, 21, 688123687845626591UL)]
    public void OneGoldenFingerprintPerStrategy(string strategy, ulong seed, int steps, ulong fingerprint)
    {
        var sys = LostUpdateToy.Build(clients: 3, increments: 2);
        var r = sys.Run(StrategySpec.Parse(strategy).Create(), seed);
        Assert.Equal((steps, fingerprint), (r.Steps, r.Fingerprint));
    }
}

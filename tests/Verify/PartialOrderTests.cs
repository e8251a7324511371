using StressVm.Runtime;
using Xunit;

namespace StressVm.Tests.Verify;

/// <summary>
/// <see cref="PartialOrder.Build"/> visits only the steps its conflict index names; it must give the clocks and
/// the races (in order) that the definition gives: every earlier step, latest first, joined when it conflicts.
/// </summary>
public class PartialOrderTests
{
    /// <summary>The definition, as a pairwise scan: the reference the indexed build is held to.</summary>
    private static (List<int[]> Clocks, List<(int, int)> Races) Reference(StepLog log)
    {
        int n = log.Count, actors = Math.Max(1, log.ActorCount);
        var vc = new int[n][];
        var races = new List<(int, int)>();
        var last = Enumerable.Repeat(-1, actors).ToArray();
        for (int j = 0; j < n; j++)
        {
            var v = vc[j] = new int[actors];
            void Join(int s) { for (int k = 0; k < actors; k++) v[k] = Math.Max(v[k], vc[s][k]); }
            int a = log.ActorOf(j);
            if (last[a] >= 0) Join(last[a]);
            if (log.PostedAt(j) >= 0) Join(log.PostedAt(j));
            for (int i = j - 1; i >= 0; i--)
            {
                int ai = log.ActorOf(i);
                if (ai == a || v[ai] > i || !log.Conflict(i, j)) continue;
                races.Add((i, j));
                Join(i);
            }
            v[a] = j + 1;
            last[a] = j;
        }
        return (vc.ToList(), races);
    }

    [Fact]
    public void IndexedBuildGivesTheClocksAndRacesOfThePairwiseScan()
    {
        var order = new PartialOrder();
        int runs = 0, withRaces = 0, withGlobal = 0;
        for (ulong seed = 0; seed < 300; seed++)
        {
            var model = ToyModel.Random(new Prng(seed));
            var log = new StepLog();
            model.System.Observer = log;
            Explorer.RunOne(model, new RandomStrategy(), seed);
            // Some steps conflict with everything, as a step of an actor that declared nothing does.
            var rng = new Prng(seed ^ 0x9E37);
            for (int s = 0; s < log.Count; s++)
                if (rng.NextInt(6) == 0) { log.MarkGlobal(s); withGlobal++; }
            var (clocks, races) = Reference(log);
            var seen = new List<(int, int)>();
            order.Build(log, 0, (i, j, _) => seen.Add((i, j)));
            Assert.Equal(races, seen);
            for (int s = 0; s < log.Count; s++) Assert.Equal(clocks[s], order.ClockOf(s).ToArray());
            runs++;
            if (races.Count > 0) withRaces++;
        }
        Assert.Equal(300, runs);
        Assert.True(withRaces > 100 && withGlobal > 50, $"{withRaces} runs with races, {withGlobal} global steps: the test exercises too little");
    }
}

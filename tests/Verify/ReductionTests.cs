using StressVm.Runtime;
using StressVm.Runtime.Samples;
using Xunit;

namespace StressVm.Tests.Verify;

/// <summary>
/// The reduction checked against naive enumeration: the same final states and the same violations, and class
/// counts that match hand counts on textbook cases.
/// </summary>
public class ReductionTests
{
    private static ToyOp W(int loc, int v) => new('w', loc, v, 0);
    private static ToyOp R(int loc) => new('r', loc, 0, 0);

    private static (VerifyResult Result, SortedSet<string> Outcomes) Explore(ToyModel model, bool reduction, int? maxPreemptions = null) =>
        Explore(model, reduction, new HashSet<ulong>());

    /// <param name="completedClasses">Collects the classes of the runs that completed (a run stopped by a violation is a prefix, not a class).</param>
    private static (VerifyResult Result, SortedSet<string> Outcomes) Explore(ToyModel model, bool reduction, HashSet<ulong> completedClasses)
    {
        var outcomes = new SortedSet<string>(StringComparer.Ordinal);
        var result = DporExplorer.Verify(model, new DporOptions { Reduction = reduction },
            onRun: (r, s) =>
            {
                if (r.Outcome == Outcome.Abandoned) return;
                outcomes.Add(model.Outcome(r));
                if (r.Outcome == Outcome.Completed) completedClasses.Add(s.LastClass);
            });
        return (result, outcomes);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 6)]
    [InlineData(4, 24)]
    public void IndependentWritersAreOneClass(int writers, int interleavings)
    {
        var programs = Enumerable.Range(0, writers).Select(i => (IReadOnlyList<ToyOp>)[W(i, 1)]).ToList();
        var (dpor, _) = Explore(new ToyModel(programs), reduction: true);
        var (naive, _) = Explore(new ToyModel(programs), reduction: false);
        Assert.Equal(1, dpor.Classes);
        Assert.Equal(1, dpor.Schedules);
        Assert.True(dpor.Exhaustive);
        Assert.Equal(interleavings, naive.Schedules);
        Assert.Equal(1, naive.Classes); // every interleaving is the same class
    }

    [Fact]
    public void TwoWritersToOneLocationAreTwoClasses()
    {
        var programs = new List<IReadOnlyList<ToyOp>> { new[] { W(0, 1) }, new[] { W(0, 2) } };
        var (dpor, outcomes) = Explore(new ToyModel(programs), reduction: true);
        Assert.Equal(2, dpor.Classes);
        Assert.Equal(2, dpor.Schedules);
        Assert.Equal(2, outcomes.Count); // memory ends 1 or 2
    }

    [Fact]
    public void ReadersOfOneLocationCommute()
    {
        var programs = new List<IReadOnlyList<ToyOp>> { new[] { R(0) }, new[] { R(0) }, new[] { R(0) } };
        var (dpor, _) = Explore(new ToyModel(programs), reduction: true);
        Assert.Equal(1, dpor.Classes);
    }

    [Fact]
    public void WriterAndTwoIndependentReadersAreFourClasses()
    {
        // w0 against r0 (two orders) times w1 against r1 (two orders): 4 classes out of 4!/(1) = 24 interleavings.
        var programs = new List<IReadOnlyList<ToyOp>> { new[] { W(0, 1) }, new[] { R(0) }, new[] { W(1, 1) }, new[] { R(1) } };
        var (dpor, d) = Explore(new ToyModel(programs), reduction: true);
        var (naive, n) = Explore(new ToyModel(programs), reduction: false);
        Assert.Equal(4, dpor.Classes);
        Assert.Equal(24, naive.Schedules);
        Assert.Equal(4, naive.Classes);
        Assert.Equal(n, d);
    }

    [Fact]
    public void ChosenValuesAreEnumerated()
    {
        var programs = new List<IReadOnlyList<ToyOp>> { new[] { new ToyOp('c', 0, 3, 0) }, new[] { W(1, 1) } };
        var (dpor, outcomes) = Explore(new ToyModel(programs), reduction: true);
        Assert.Equal(3, dpor.Classes); // 0, 1 or 2 at location 0; the writer commutes
        Assert.Equal(3, outcomes.Count);
    }

    [Fact]
    public void LostUpdateToyReachesTheSameCountersAsNaiveEnumeration()
    {
        var fromDpor = new SortedSet<string>();
        var fromNaive = new SortedSet<string>();
        var dpor = DporExplorer.Verify(new SystemModel(LostUpdateToy.Build(clients: 2, increments: 2)), new DporOptions(),
            onRun: (r, _) => fromDpor.Add(r.Outcome + " " + r.Violation?.Detail));
        var naive = DporExplorer.Verify(new SystemModel(LostUpdateToy.Build(clients: 2, increments: 2)), new DporOptions { Reduction = false },
            onRun: (r, _) => fromNaive.Add(r.Outcome + " " + r.Violation?.Detail));
        Assert.Equal(fromNaive, fromDpor);
        Assert.Contains(dpor.Findings, f => f.Invariant == LostUpdateMonitor.Invariant);
        Assert.True(dpor.Classes < naive.Schedules, $"dpor {dpor.Classes} classes, naive {naive.Schedules} schedules");
        Assert.Equal(naive.Classes, dpor.Classes);
    }

    [Fact]
    public void RandomToySystemsReachTheSameOutcomesAndViolationsAsNaiveEnumeration()
    {
        int smaller = 0;
        for (ulong seed = 0; seed < 150; seed++)
        {
            HashSet<ulong> dc = new(), nc = new();
            var (dpor, d) = Explore(ToyModel.Random(new Prng(seed)), reduction: true, dc);
            var model = ToyModel.Random(new Prng(seed));
            var (naive, n) = Explore(model, reduction: false, nc);
            Assert.True(dpor.Exhaustive && naive.Exhaustive, model.ToString());
            Assert.True(n.SetEquals(d), $"{model}\nnaive only: {string.Join("; ", n.Except(d))}\ndpor only: {string.Join("; ", d.Except(n))}");
            Assert.Equal(naive.Findings.Select(f => f.Invariant), dpor.Findings.Select(f => f.Invariant));
            Assert.True(nc.SetEquals(dc), $"{model}: {nc.Count} classes of completed runs under naive enumeration, {dc.Count} under DPOR");
            if (dpor.Schedules < naive.Schedules) smaller++;
        }
        Assert.True(smaller > 75, $"the reduction ran fewer schedules on only {smaller} of 150 systems");
    }

    [Fact]
    public void ABoundThatStopsTheSearchIsReported()
    {
        var programs = new List<IReadOnlyList<ToyOp>> { new[] { W(0, 1), W(0, 2) }, new[] { W(0, 3), W(0, 4) } };
        var r = DporExplorer.Verify(new ToyModel(programs), new DporOptions { MaxClasses = 2 });
        Assert.False(r.Exhaustive);
        Assert.Contains("max-classes", r.StoppedBy);
        var full = DporExplorer.Verify(new ToyModel(programs), new DporOptions());
        Assert.True(full.Exhaustive);
        Assert.Equal(6, full.Classes); // 4!/(2!2!) orders of four mutually dependent writes, program order kept
        var bounded = DporExplorer.Verify(new ToyModel(programs), new DporOptions { MaxPreemptions = 0 });
        Assert.Contains("max-preemptions", bounded.StoppedBy);
        Assert.Equal(2, bounded.Classes); // t0 then t1, t1 then t0: no preemption
    }
}

/// <summary>A bare system as a model (the runtime's samples start themselves in PreStart).</summary>
public sealed class SystemModel(ActorSystem system) : ISimulationModel
{
    public string Name => "system";
    public ActorSystem System => system;
    public Action<ActorSystem>? PrepareRun(ulong seed) => null;
}

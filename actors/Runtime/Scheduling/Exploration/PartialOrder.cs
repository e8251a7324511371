using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StressVm.Runtime;

/// <summary>
/// The happens-before order of one run's steps (Mazurkiewicz: program order per actor, post -> delivery, and
/// every pair of conflicting steps in the order they ran), as vector clocks: clock[s][a] is one more than the
/// last step of actor a that happens before step s, or 0. Two linearizations of one trace class give the same
/// clocks per actor's step, so <see cref="ClassHash"/> names the class, not the order the steps ran in.
/// A step's clock is a row of <c>_stride</c> ints (the actor count rounded up to a SIMD vector, the rest 0), so a
/// join is a few branchless vector maxima instead of a compare and branch per actor (coverage's main cost).
/// </summary>
public sealed class PartialOrder
{
    private int[] _vc = new int[1024];
    private int _actors;
    private int _stride; // ints per clock row: _actors rounded up to Vector<int>.Count; the padding stays 0
    private int _steps;
    private readonly ConflictIndex _index = new();

    /// <summary>A race: step i and the later step j conflict, and no other step orders them (so they can be swapped).</summary>
    public delegate void RaceHandler(int i, int j, ReadOnlySpan<int> clockOfJ);

    public int Steps => _steps;
    public int Actors => _actors;

    public ReadOnlySpan<int> ClockOf(int step) => new(_vc, step * _stride, _actors);

    /// <summary>
    /// Builds the clocks of <paramref name="log"/>. For every step j at or after <paramref name="racesFrom"/>,
    /// <paramref name="onRace"/> sees each earlier step i in a race with j, latest first, with j's clock so far.
    /// </summary>
    public void Build(StepLog log, int racesFrom = int.MaxValue, RaceHandler? onRace = null)
    {
        _steps = log.Count;
        _actors = Math.Max(1, log.ActorCount);
        int w = Vector<int>.Count;
        _stride = (_actors + w - 1) / w * w;
        int need = _steps * _stride;
        if (_vc.Length < need) Array.Resize(ref _vc, Math.Max(need, _vc.Length * 2));
        Span<int> last = _actors <= 64 ? stackalloc int[_actors] : new int[_actors];
        last.Fill(-1);
        _index.Reset();
        for (int j = 0; j < _steps; j++)
        {
            var vj = new Span<int>(_vc, j * _stride, _stride);
            int a = log.ActorOf(j);
            // Starts as the actor's previous step's clock (program order), or empty: no clearing of the whole array.
            if (last[a] >= 0) new ReadOnlySpan<int>(_vc, last[a] * _stride, _stride).CopyTo(vj);
            else vj.Clear();
            int p = log.PostedAt(j);
            if (p >= 0) Join(vj, p);
            foreach (int i in _index.CandidatesThenRecord(log, j)) Visit(log, i, j, a, vj, racesFrom, onRace);
            vj[a] = j + 1;
            last[a] = j;
        }
    }

    // Latest first: joining a later step orders what it already follows, so those are skipped here.
    private void Visit(StepLog log, int i, int j, int a, Span<int> vj, int racesFrom, RaceHandler? onRace)
    {
        int ai = log.ActorOf(i);
        if (ai == a || vj[ai] > i) return; // program order, or already ordered through a later step
        // Every candidate the index names conflicts with j (it wrote what j touches, read what j writes, or is global).
        if (j >= racesFrom) onRace?.Invoke(i, j, vj[.._actors]);
        Join(vj, i);
    }

    /// <summary>True when step i happens before step j (i &lt; j).</summary>
    public bool HappensBefore(StepLog log, int i, int j) => _vc[j * _stride + log.ActorOf(i)] > i;

    // into = max(into, clock of step), a whole row (into is one, _stride long).
    private void Join(Span<int> into, int step)
    {
        ref int from = ref _vc[step * _stride];
        ref int to = ref MemoryMarshal.GetReference(into);
        for (int k = 0; k < into.Length; k += Vector<int>.Count)
        {
            var a = Vector.LoadUnsafe(ref from, (nuint)k);
            var b = Vector.LoadUnsafe(ref to, (nuint)k);
            Vector.Max(a, b).StoreUnsafe(ref to, (nuint)k);
        }
    }

    /// <summary>
    /// The trace class: per actor, its steps' labels in order, each with how many steps of every other actor
    /// happen before it. Independent of which linearization of the class ran.
    /// </summary>
    public ulong ClassHash(StepLog log, ReadOnlySpan<ulong> extra = default)
    {
        // Per-actor step counts turn clocks (global step indices) into per-actor positions.
        Span<int> seen = _actors <= 64 ? stackalloc int[_actors] : new int[_actors];
        seen.Clear();
        // positionAt[c]: the per-actor position of step c - 1, and 0 for c = 0 (no step): indexed by a clock entry
        // as it is, without a branch.
        var positionAt = _steps < 512 ? stackalloc int[_steps + 1] : new int[_steps + 1];
        positionAt[0] = 0;
        Span<ulong> ha = _actors <= 64 ? stackalloc ulong[_actors] : new ulong[_actors];
        for (int a = 0; a < _actors; a++) ha[a] = StableHash.Mix(0xAC7UL, (ulong)a);
        for (int s = 0; s < _steps; s++)
        {
            int a = log.ActorOf(s);
            positionAt[s + 1] = ++seen[a];
            ulong x = StableHash.Mix(ha[a], log.LabelOf(s));
            var vc = ClockOf(s);
            for (int b = 0; b < a; b++) x = StableHash.Mix(x, (ulong)positionAt[vc[b]]);
            for (int b = a + 1; b < vc.Length; b++) x = StableHash.Mix(x, (ulong)positionAt[vc[b]]);
            ha[a] = x;
        }
        ulong h = 0x0DD5EEDUL;
        for (int a = 0; a < _actors; a++) h ^= StableHash.Avalanche(ha[a]);
        foreach (ulong x in extra) h = StableHash.Mix(h, x);
        return StableHash.Avalanche(h);
    }
}

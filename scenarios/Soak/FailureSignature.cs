using System.Text;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The stable dedup signature of a failing run: the finding (invariant, "deadlock", "step-budget") plus the
/// sequence of (actor name, message type, delivery kind) that led to it, without seeds, step numbers or
/// message contents, hashed with <see cref="StableHash"/> so every process, shard and resume agrees.
/// <list type="bullet">
/// <item>A violation: the last <c>depth</c> steps, up to the failing one, taken by the actor the violation
/// names. Steps of unrelated actors are left out on purpose: with them every interleaving of background
/// noise would make a new "distinct" bug.</item>
/// <item>A deadlock: its waiters (who waits for whom, with what request), sorted.</item>
/// <item>A step-budget run (livelock), or a violation whose actor took no step: the last <c>depth</c> steps of the run.</item>
/// </list>
/// An actor name's "#n" suffix (duplicate names of actors made during a run) is dropped. One instance per
/// worker thread: it caches name hashes.
/// </summary>
public sealed class FailureSignature(int depth = FailureSignature.DefaultDepth)
{
    public const int DefaultDepth = 12;

    private readonly Dictionary<string, ulong> _nameHashes = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, ulong> _typeHashes = new();
    private readonly int[] _window = new int[Math.Max(1, depth)];

    public int Depth { get; } = Math.Max(1, depth);

    /// <summary>The signature (16 hex digits) of the failing run <paramref name="result"/>, whose steps are in <paramref name="trace"/>.</summary>
    public string Compute(RunResult result, Trace trace)
    {
        ulong h = StableHash.Of(result.FindingName ?? "");
        if (result.Deadlock is { } d)
        {
            foreach (var w in d.Waiters.Select(w => $"{Normalize(w.Waiter)}>{Normalize(w.WaitsFor)}:{w.Request}").OrderBy(s => s, StringComparer.Ordinal))
                h = StableHash.Mix(h, NameHash(w));
            return StableHash.Avalanche(h).ToString("x16");
        }
        if (EndStateKind(result, trace) is { } kind) return StableHash.Avalanche(StableHash.Mix(h, NameHash(kind))).ToString("x16");
        int n = Window(result, trace);
        var steps = trace.Steps;
        if (result.Violation is { } v) h = StableHash.Mix(h, NameHash(v.Actor));
        for (int i = n - 1; i >= 0; i--)
        {
            var s = steps[_window[i]];
            h = StableHash.Mix(h, NameHash(trace.ActorName(s.Actor)));
            h = StableHash.Mix(h, TypeHash(s.Message.GetType()) ^ (ulong)s.Kind);
        }
        return StableHash.Avalanche(h).ToString("x16");
    }

    /// <summary>What the signature covers, readable: "reader <- Ready; reader <- DataValue (reply)".</summary>
    public string Describe(RunResult result, Trace trace)
    {
        if (result.Deadlock is { } d)
            return string.Join("; ", d.Waiters.Select(w => $"{Normalize(w.Waiter)} waits for {Normalize(w.WaitsFor)} ({w.Request})").OrderBy(s => s, StringComparer.Ordinal));
        if (EndStateKind(result, trace) is { } kind) return "final state: " + kind;
        int n = Window(result, trace);
        var sb = new StringBuilder();
        var steps = trace.Steps;
        for (int i = n - 1; i >= 0; i--)
        {
            var s = steps[_window[i]];
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(Normalize(trace.ActorName(s.Actor))).Append(" <- ").Append(s.Message.GetType().Name);
            if (s.Kind == EnvelopeKind.Reply) sb.Append(" (reply)");
            else if (s.Kind == EnvelopeKind.Interrupt) sb.Append(" (irq)");
        }
        return sb.ToString();
    }

    public SignatureValue Of(RunResult result, Trace trace) => new(Compute(result, trace), Describe(result, trace));

    /// <summary>
    /// For a violation of the final state (raised by no actor that stepped), the run's last steps say nothing
    /// about the bug; its detail with every number blanked ("frame pfn # has mapcount # but # PTE(s) map it")
    /// does, so that is the signature. Null for every other finding.
    /// </summary>
    private static string? EndStateKind(RunResult result, Trace trace)
    {
        if (result.Violation is not { } v) return null;
        foreach (var s in trace.Steps)
            if (string.Equals(trace.ActorName(s.Actor), v.Actor, StringComparison.Ordinal)) return null;
        var sb = new StringBuilder(v.Detail.Length);
        foreach (char c in v.Detail)
            if (!char.IsAsciiDigit(c)) sb.Append(c);
            else if (sb.Length == 0 || sb[^1] != '#') sb.Append('#');
        return sb.ToString();
    }

    /// <summary>Fills <see cref="_window"/> with the covered step indices, newest first; returns how many.</summary>
    private int Window(RunResult result, Trace trace)
    {
        var steps = trace.Steps;
        int end = steps.Length;
        int n = 0;
        if (result.Violation is { } v)
        {
            end = Math.Min(end, v.Step + 1);
            // The failing actor's own steps, newest first. Interrupts (TLB-flush IPIs landing at any point) and
            // repeats of the step just taken (one more lock reply, one more retry) say nothing about which bug
            // this is: they are left out, so one bug reached with more or fewer of them keeps one signature.
            int last = -1;
            for (int i = end - 1; i >= 0 && n < Depth; i--)
            {
                var s = steps[i];
                if (s.Kind == EnvelopeKind.Interrupt && i != end - 1) continue;
                if (s.Message is Kernel.CondResched) continue; // a preemption point (the kernel model's): it changes nothing
                if (!string.Equals(trace.ActorName(s.Actor), v.Actor, StringComparison.Ordinal)) continue;
                if (last >= 0 && SameKind(steps[last], s)) continue;
                _window[n++] = i;
                last = i;
            }
            if (n > 0) return n;
        }
        for (int i = end - 1; i >= 0 && n < Depth; i--) _window[n++] = i;
        return n;
    }

    private static bool SameKind(in StepRecord a, in StepRecord b) =>
        a.Actor == b.Actor && a.Kind == b.Kind && a.Message.GetType() == b.Message.GetType();

    private ulong NameHash(string name)
    {
        if (!_nameHashes.TryGetValue(name, out ulong h))
        {
            h = StableHash.Of(Normalize(name));
            _nameHashes[name] = h;
        }
        return h;
    }

    private ulong TypeHash(Type t)
    {
        if (!_typeHashes.TryGetValue(t, out ulong h))
        {
            h = StableHash.Of(t.FullName ?? t.Name);
            _typeHashes[t] = h;
        }
        return h;
    }

    private static string Normalize(string name)
    {
        int hash = name.LastIndexOf('#');
        return hash > 0 && hash < name.Length - 1 && name.AsSpan(hash + 1).IndexOfAnyExceptInRange('0', '9') < 0 ? name[..hash] : name;
    }
}

/// <summary>A failure's dedup key (16 hex digits) and the readable step sequence it was computed from.</summary>
public readonly record struct SignatureValue(string Hash, string Tail);

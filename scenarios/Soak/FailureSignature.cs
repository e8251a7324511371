using System.Text;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>A failure's dedup key (16 hex digits) and the readable step sequence it was computed from.</summary>
public readonly record struct SignatureValue(string Hash, string Tail);

/// <summary>
/// The stable signature of a failing run: its finding (invariant, "deadlock", "step-budget") and the
/// sequence of (actor name, message type, delivery kind) of the last <c>depth</c> steps up to the one that
/// failed; no seeds, no step numbers, no message contents. Hashed with <see cref="StableHash"/>, so the same
/// bug gets the same signature in every process, shard and resume. An actor name's "#n" suffix (duplicate
/// names of actors made during a run) is dropped. One instance per worker: it caches the name hashes.
/// </summary>
public sealed class FailureSignature(int depth = FailureSignature.DefaultDepth)
{
    public const int DefaultDepth = 12;

    private readonly Dictionary<string, ulong> _nameHashes = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, ulong> _typeHashes = new();

    public int Depth { get; } = depth;

    /// <summary>The signature hash of the failing run <paramref name="result"/>, whose steps are in <paramref name="trace"/>.</summary>
    public string Compute(RunResult result, Trace trace)
    {
        var (from, to) = Window(result, trace);
        ulong h = StableHash.Of(result.FindingName ?? "");
        var steps = trace.Steps;
        for (int i = from; i < to; i++)
        {
            var s = steps[i];
            h = StableHash.Mix(h, NameHash(trace.ActorName(s.Actor)));
            h = StableHash.Mix(h, TypeHash(s.Message.GetType()) ^ (ulong)s.Kind);
        }
        if (to == from && result.Violation is { } v) h = StableHash.Mix(h, NameHash(v.Actor));
        return StableHash.Avalanche(h).ToString("x16");
    }

    /// <summary>The steps the signature covers, readable: "client0 <- GetValue; counter <- SetValue (reply)".</summary>
    public string Describe(RunResult result, Trace trace)
    {
        var (from, to) = Window(result, trace);
        var sb = new StringBuilder();
        var steps = trace.Steps;
        for (int i = from; i < to; i++)
        {
            var s = steps[i];
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(Normalize(trace.ActorName(s.Actor))).Append(" <- ").Append(s.Message.GetType().Name);
            if (s.Kind == EnvelopeKind.Reply) sb.Append(" (reply)");
            else if (s.Kind == EnvelopeKind.Interrupt) sb.Append(" (irq)");
        }
        return sb.ToString();
    }

    public SignatureValue Of(RunResult result, Trace trace) => new(Compute(result, trace), Describe(result, trace));

    private (int From, int To) Window(RunResult result, Trace trace)
    {
        int to = trace.Count;
        if (result.Violation is { } v) to = Math.Min(to, v.Step + 1);
        return (Math.Max(0, to - Depth), to);
    }

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

using System.Text;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The stable dedup signature of a failing run, naming the bug: the finding (invariant, "deadlock",
/// "step-budget") and the kernel function the violating actor was in when it fired, read from the spans the
/// model records (<see cref="TraceMark"/>: a fault, <c>page_mkwrite</c>, <c>folio_mkclean</c>, <c>munmap</c>,
/// <c>flush_tlb_mm_range</c>, ...), with every number blanked (<c>cpu1</c> and <c>cpu2</c> are one role,
/// <c>cpu#</c>). Never from message types or seeds: one bug reached through more or fewer lock replies, IPIs or
/// unrelated steps keeps its signature, and two bugs that fire the same invariant in different kernel functions
/// get two. Hashed with <see cref="StableHash"/> so every process, shard and resume agrees.
/// <list type="bullet">
/// <item>A violation during the run: the violating actor's span stack during the violating step (the deepest it
/// reached in that step, "user" outside every span), and the violation's detail, which names the other actors
/// involved and what they hold (the CPU with a stale TLB entry), numbers, frame descriptions and VMA names blanked.
/// What those other actors were doing at that moment is left out: it is noise (10 signatures for one knob of
/// mixed with it, 1 without).</item>
/// <item>A violation of the final state (raised by no actor that stepped): its detail with every number blanked
/// ("frame pfn # has mapcount # but # PTE(s) map it"), then its history (<see cref="Violation.Causes"/>): for a lost
/// write, where the cleaner and the fault whose PTE the store went through were when the page was cleaned, and where
/// that fault made the PTE writable.</item>
/// <item>A deadlock: its waiters (who waits for whom, with what request), numbers blanked, sorted.</item>
/// <item>A step-budget run (livelock suspect): the span stacks every actor was in at the end, sorted.</item>
/// </list>
/// A model that records no spans at all (the toy models) falls back to the last <see cref="Depth"/> steps of the
/// violating actor as (actor, message type): for it there is nothing else to name. One instance per worker thread.
/// </summary>
public sealed class FailureSignature(int depth = FailureSignature.DefaultDepth)
{
    public const int DefaultDepth = 12;

    /// <summary>What an actor outside every span is doing: running its program (a CPU in user mode).</summary>
    public const string OutsideSpans = "user";

    private List<string>[] _stacks = [];
    private readonly List<string> _deepest = new();
    private readonly StringBuilder _sb = new();

    public int Depth { get; } = Math.Max(1, depth);

    /// <summary>The signature (16 hex digits) of the failing run <paramref name="result"/>, whose steps are in <paramref name="trace"/>.</summary>
    public string Compute(RunResult result, Trace trace) =>
        StableHash.Avalanche(StableHash.Of(Describe(result, trace))).ToString("x16");

    /// <summary>
    /// What the signature covers, readable: "stale-writable-tlb: writeback in writeback > folio_mkclean; cpu# in user".
    /// </summary>
    public string Describe(RunResult result, Trace trace)
    {
        string finding = result.FindingName ?? "";
        if (result.Deadlock is { } d)
            return finding + ": " + string.Join("; ", d.Waiters
                .Select(w => $"{Blank(w.Waiter)} waits for {Blank(w.WaitsFor)} ({Blank(w.Request)})")
                .Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal));
        if (result.Violation is { } v && !Stepped(trace, v.Actor))
            return finding + ": final state: " + BlankDetail(v.Detail, v.Actor) + Causes(v, trace);
        if (trace.MarkCount == 0) return finding + ": " + StepTail(result, trace);

        if (result.Violation is not { } violation)
        {
            // A step-budget run: where every actor was when the budget ran out.
            int last = Math.Max(0, trace.Count - 1);
            Replay(trace, last, -1);
            var places = new SortedSet<string>(StringComparer.Ordinal);
            for (int a = 0; a < _stacks.Length; a++)
                if (_stacks[a].Count > 0) places.Add($"{Blank(trace.ActorName(a))} in {Stack(_stacks[a])}");
            return finding + ": " + (places.Count == 0 ? "every actor " + OutsideSpans : string.Join("; ", places));
        }

        int step = violation.Step;
        int actor = IdOf(trace, violation.Actor);
        Replay(trace, step, actor);
        string detail = BlankDetail(violation.Detail, violation.Actor);
        // Where the check that raised it places it (ViolationPlace): by default the deepest stack of the step.
        if (violation.Place.Kind == ViolationPlaceKind.EndOfStep)
        {
            _deepest.Clear();
            if (actor >= 0) _deepest.AddRange(_stacks[actor]);
        }
        string place = violation.Place.Kind == ViolationPlaceKind.Function ? violation.Place.Function! : Stack(_deepest);
        // The other actors a violation names (the CPU whose TLB entry is stale) take part by what they hold, which the
        // detail says; what they were doing at that moment is noise: with it, one knob of mixed made 10 signatures.
        return _sb.Clear().Append(finding).Append(": ").Append(Blank(violation.Actor)).Append(" in ").Append(place)
            .Append(": ").Append(detail).Append(Causes(violation, trace)).ToString();
    }

    public SignatureValue Of(RunResult result, Trace trace) => new(Compute(result, trace), Describe(result, trace));

    /// <summary>
    /// Replays the span marks up to and including <paramref name="step"/>: afterwards <see cref="_stacks"/> holds every
    /// actor's open spans, and <see cref="_deepest"/> the deepest stack <paramref name="actor"/> had during the step.
    /// </summary>
    private void Replay(Trace trace, int step, int actor)
    {
        int actors = 0;
        foreach (var m in trace.Marks) actors = Math.Max(actors, m.Actor + 1);
        foreach (var s in trace.Steps) actors = Math.Max(actors, s.Actor + 1);
        if (_stacks.Length < actors)
        {
            var grown = new List<string>[actors];
            for (int i = 0; i < actors; i++) grown[i] = i < _stacks.Length ? _stacks[i] : new List<string>();
            _stacks = grown;
        }
        foreach (var s in _stacks) s.Clear();
        _deepest.Clear();
        bool inStep = false;
        foreach (var m in trace.Marks)
        {
            if (m.Step > step) break;
            if (!inStep && m.Step == step && actor >= 0)
            {
                inStep = true;
                _deepest.AddRange(_stacks[actor]); // where it was when the step began
            }
            if (m.Actor < 0 || m.Actor >= _stacks.Length) continue;
            var stack = _stacks[m.Actor];
            switch (m.Kind)
            {
                case MarkKind.SpanBegin:
                    stack.Add(m.Name);
                    if (m.Step == step && m.Actor == actor && stack.Count > _deepest.Count)
                    {
                        _deepest.Clear();
                        _deepest.AddRange(stack);
                    }
                    break;
                case MarkKind.SpanEnd:
                    int at = stack.LastIndexOf(m.Name);
                    if (at >= 0) stack.RemoveRange(at, stack.Count - at);
                    break;
            }
        }
        if (!inStep && actor >= 0) _deepest.AddRange(_stacks[actor]); // no mark in the step itself
    }

    /// <summary>
    /// A final-state violation's history (<see cref="Violation.Causes"/>): each actor named with the kernel functions it
    /// was in at its step ("; writeback cleaned the page in writeback > folio_mkclean; cpu# made ... writable in fault").
    /// </summary>
    private string Causes(Violation v, Trace trace)
    {
        if (v.Causes.Count == 0 || trace.MarkCount == 0) return "";
        var sb = new StringBuilder();
        foreach (var c in v.Causes)
        {
            sb.Append("; ").Append(Blank(c.Actor)).Append(' ').Append(c.What);
            int actor = IdOf(trace, c.Actor);
            if (c.Step < 0 || actor < 0) continue;
            Replay(trace, c.Step, actor);
            sb.Append(" in ").Append(Stack(_deepest));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The span stack as a signature names it. A trailing flush_tlb_mm_range is left out: every zap, walk and COW ends
    /// in that leaf, and whether the violating step went on to flush (the walk had a PTE to clean, the COW got past
    /// its check) is chance; "fault" and "fault > flush_tlb_mm_range" are one bug.
    /// </summary>
    private static string Stack(List<string> spans)
    {
        int n = spans.Count;
        if (n > 0 && spans[n - 1] == LeafFlush) n--;
        return n == 0 ? OutsideSpans : Blank(string.Join(" > ", spans.Take(n)));
    }

    private const string LeafFlush = "flush_tlb_mm_range";

    private static int IdOf(Trace trace, string name)
    {
        foreach (var s in trace.Steps)
            if (string.Equals(trace.ActorName(s.Actor), name, StringComparison.Ordinal)) return s.Actor;
        return -1;
    }

    private static bool Stepped(Trace trace, string actor) => IdOf(trace, actor) >= 0;

    /// <summary>
    /// A violation's detail as it names a bug: the "ACTOR: " prefix dropped (the signature names the actor), every
    /// number blanked, hexadecimal ones too (a vpn "2a", a file "f0"), a frame's description after its pfn left out
    /// ("pfn # (normal, anon)" and "pfn # (f0[1])" are one frame of a bug: which one the swarm touched is chance), and
    /// a trailing " [...]" left out: an oracle's note of where and how this instance happened (stale-orig-pte's
    /// "[finish_fault: read none, now pfn 5 RO Y]": the one missing re-check shows at every fault site).
    /// </summary>
    public static string BlankDetail(string detail, string actor)
    {
        string d = detail.StartsWith(actor + ": ", StringComparison.Ordinal) ? detail[(actor.Length + 2)..] : detail;
        if (d.EndsWith(']') && d.LastIndexOf(" [", StringComparison.Ordinal) is var note and > 0) d = d[..note];
        var sb = new StringBuilder(d.Length);
        for (int i = 0; i < d.Length;)
        {
            if (!char.IsAsciiLetterOrDigit(d[i])) { sb.Append(d[i++]); continue; }
            int start = i;
            while (i < d.Length && char.IsAsciiLetterOrDigit(d[i])) i++;
            var word = d.AsSpan(start, i - start);
            if (word.IndexOfAnyInRange('0', '9') >= 0 && !word.ContainsAnyExcept("0123456789abcdef")) sb.Append('#');
            else sb.Append(Blank(word.ToString()));
        }
        var text = sb.ToString();
        // Which VMA the swarm drew ("the fault path used VMA scratch") is chance too.
        for (int at = text.IndexOf("VMA ", StringComparison.Ordinal); at >= 0; at = text.IndexOf("VMA ", at + 1, StringComparison.Ordinal))
        {
            int end = text.IndexOf(' ', at + 4);
            if (end > at + 4) text = text.Remove(at + 4, end - at - 4).Insert(at + 4, "#");
        }
        for (int at = text.IndexOf("pfn # (", StringComparison.Ordinal); at >= 0; at = text.IndexOf("pfn # (", at + 1, StringComparison.Ordinal))
        {
            int open = at + "pfn # ".Length, depth = 0, close = open;
            for (; close < text.Length; close++)
            {
                if (text[close] == '(') depth++;
                else if (text[close] == ')' && --depth == 0) break;
            }
            if (close < text.Length) text = text.Remove(open - 1, close - open + 2);
        }
        // "wrote pfn # in scratch": which VMA of the bug the swarm drew is chance, as above (after the frame descriptions are gone).
        for (int at = text.IndexOf("pfn # in ", StringComparison.Ordinal); at >= 0; at = text.IndexOf("pfn # in ", at + 1, StringComparison.Ordinal))
        {
            int from = at + "pfn # in ".Length, end = from;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_')) end++;
            if (end > from) text = text.Remove(from, end - from).Insert(from, "#");
        }
        // A VMA used after munmap detached it or after munmap freed it is one bug (how far munmap got is chance).
        text = text.Replace("after munmap freed it", "after munmap detached it", StringComparison.Ordinal);
        return text;
    }

    /// <summary>The text with every run of digits replaced by one '#'.</summary>
    public static string Blank(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            if (!char.IsAsciiDigit(c)) sb.Append(c);
            else if (sb.Length == 0 || sb[^1] != '#') sb.Append('#');
        return sb.ToString();
    }

    /// <summary>
    /// For a model without spans: the violating actor's last steps as (actor, message type), leaving out interrupts
    /// and repeats of the step just before; the run's last steps for a step-budget run.
    /// </summary>
    private string StepTail(RunResult result, Trace trace)
    {
        var steps = trace.Steps;
        int end = steps.Length;
        var picked = new List<int>(Depth);
        if (result.Violation is { } v)
        {
            end = Math.Min(end, v.Step + 1);
            int last = -1;
            for (int i = end - 1; i >= 0 && picked.Count < Depth; i--)
            {
                var s = steps[i];
                if (s.Kind == EnvelopeKind.Interrupt && i != end - 1) continue;
                if (s.Message is Kernel.CondResched) continue; // a preemption point (the kernel model's): it changes nothing
                if (!string.Equals(trace.ActorName(s.Actor), v.Actor, StringComparison.Ordinal)) continue;
                if (last >= 0 && steps[last].Actor == s.Actor && steps[last].Kind == s.Kind && steps[last].Message.GetType() == s.Message.GetType()) continue;
                picked.Add(i);
                last = i;
            }
        }
        if (picked.Count == 0)
            for (int i = end - 1; i >= 0 && picked.Count < Depth; i--) picked.Add(i);
        var sb = new StringBuilder();
        for (int i = picked.Count - 1; i >= 0; i--)
        {
            var s = steps[picked[i]];
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(Blank(trace.ActorName(s.Actor))).Append(" <- ").Append(s.Message.GetType().Name);
            if (s.Kind == EnvelopeKind.Reply) sb.Append(" (reply)");
            else if (s.Kind == EnvelopeKind.Interrupt) sb.Append(" (irq)");
        }
        return sb.ToString();
    }
}

/// <summary>A failure's dedup key (16 hex digits) and the readable description it was computed from.</summary>
public readonly record struct SignatureValue(string Hash, string Tail);

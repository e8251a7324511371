namespace StressVm.Runtime;

/// <summary>
/// The ordered steps of a run and its fingerprint. Reused between runs of one system (the arrays only
/// grow); <see cref="Snapshot"/> copies what must outlive the next run.
/// </summary>
public sealed class Trace
{
    private StepRecord[] _steps = new StepRecord[256];
    private TraceMark[] _marks = new TraceMark[64];
    private readonly ActorSystem _system;

    internal Trace(ActorSystem system) => _system = system;

    public int Count { get; private set; }
    public bool Recording { get; internal set; } = true;
    public ulong Fingerprint { get; private set; }

    public StepRecord this[int i] => Recording && i < Count ? _steps[i] : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>The recorded steps; empty when the run was not recorded (only counted and fingerprinted).</summary>
    public ReadOnlySpan<StepRecord> Steps => Recording ? new(_steps, 0, Count) : default;

    public int MarkCount { get; private set; }

    /// <summary>The model's span and event marks, in the order they were made.</summary>
    public ReadOnlySpan<TraceMark> Marks => new(_marks, 0, MarkCount);

    internal void Reset(ulong seedMix)
    {
        // Count goes on past _steps.Length when the run is not recorded (Add only counts then).
        if (Count > 0) Array.Clear(_steps, 0, Math.Min(Count, _steps.Length));
        if (MarkCount > 0) Array.Clear(_marks, 0, MarkCount);
        Count = 0;
        MarkCount = 0;
        Fingerprint = seedMix;
    }

    internal void Add(int actor, int sender, EnvelopeKind kind, object message, ulong typeHash)
    {
        ulong h = StableHash.Mix(Fingerprint, ((ulong)(uint)actor << 32) | (uint)(sender + 1));
        Fingerprint = StableHash.Mix(h, typeHash ^ (ulong)kind);
        if (!Recording) { Count++; return; }
        if (Count == _steps.Length) Array.Resize(ref _steps, _steps.Length * 2);
        _steps[Count] = new StepRecord(Count, actor, sender, kind, message);
        Count++;
    }

    internal void Mark(int actor, MarkKind kind, string name, string? detail)
    {
        if (!Recording) return;
        if (MarkCount == _marks.Length) Array.Resize(ref _marks, _marks.Length * 2);
        _marks[MarkCount++] = new TraceMark(Math.Max(0, Count - 1), actor, kind, name, detail);
    }

    internal void MixValue(int value) => Fingerprint = StableHash.Mix(Fingerprint, 0xC0FFEEUL ^ (ulong)(uint)value);

    /// <summary>The final fingerprint: the mixed steps, avalanched.</summary>
    public ulong FinalFingerprint => StableHash.Avalanche(Fingerprint ^ (ulong)Count);

    public string ActorName(int id) => id < 0 ? "-" : _system.NameOf(id);

    /// <summary>"step 12: cpu0 <- Store from mm" style line for one step.</summary>
    public string Describe(in StepRecord s)
    {
        string kind = s.Kind switch { EnvelopeKind.Reply => " (reply)", EnvelopeKind.Interrupt => " (irq)", _ => "" };
        return $"{s.Index,6}  {ActorName(s.Actor)} <- {s.Message}{kind} from {ActorName(s.Sender)}";
    }

    public IReadOnlyList<string> Lines()
    {
        var list = new List<string>(Count);
        foreach (var step in Steps) list.Add(Describe(step));
        return list;
    }

    /// <summary>Copies the steps so they survive the next run of the system.</summary>
    public StepRecord[] Snapshot() => Steps.ToArray();
}

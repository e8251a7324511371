using System.Runtime.CompilerServices;

namespace StressVm.Runtime;

/// <summary>
/// The recorded choices of one run, in order: which actor stepped (bound 0) or which value a model drew
/// (bound &gt; 0). Parallel arrays that only grow: recording allocates nothing per step.
/// </summary>
internal sealed class ChoiceLog
{
    private int[] _value = new int[256];
    private int[] _bound = new int[256];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(int value, int bound)
    {
        if (Count == _value.Length)
        {
            Array.Resize(ref _value, _value.Length * 2);
            Array.Resize(ref _bound, _bound.Length * 2);
        }
        _value[Count] = value;
        _bound[Count] = bound;
        Count++;
    }

    /// <summary>The log as a schedule; actor choices are named through <paramref name="nameOf"/>.</summary>
    public Schedule ToSchedule(Func<int, string> nameOf, IReadOnlyDictionary<string, string> header)
    {
        var choices = new Choice[Count];
        for (int i = 0; i < Count; i++)
        {
            int b = _bound[i];
            choices[i] = b == 0
                ? new Choice(ChoiceKind.Actor, _value[i], 0, nameOf(_value[i]))
                : new Choice(ChoiceKind.Value, _value[i], b, null);
        }
        return new Schedule(choices, header);
    }
}

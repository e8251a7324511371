namespace StressVm.Kernel;

/// <summary>A CPU's TLB: a handful of entries searched linearly (scenarios touch few pages).</summary>
public sealed class Tlb
{
    private TlbEntry[] _e = new TlbEntry[8];

    public int Count { get; private set; }

    public ref TlbEntry this[int i] => ref _e[i];

    public int Find(int vpn)
    {
        for (int i = 0; i < Count; i++)
            if (_e[i].Vpn == vpn) return i;
        return -1;
    }

    public void Fill(in TlbEntry entry)
    {
        int i = Find(entry.Vpn);
        if (i < 0)
        {
            if (Count == _e.Length) Array.Resize(ref _e, _e.Length * 2);
            i = Count++;
        }
        _e[i] = entry;
    }

    public void Remove(int index)
    {
        _e[index] = _e[--Count];
    }

    /// <summary>Drops every entry in [start, end): the local half of flush_tlb_mm_range().</summary>
    public int FlushRange(int start, int end)
    {
        int n = 0;
        for (int i = Count - 1; i >= 0; i--)
            if (_e[i].Vpn >= start && _e[i].Vpn < end) { Remove(i); n++; }
        return n;
    }

    public void Clear() => Count = 0;
}

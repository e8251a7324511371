namespace StressVm.Runtime;

/// <summary>
/// The actors that can take a step now, with O(1) add, remove and indexed pick. Its order depends only
/// on the order of adds and removes, which the schedule determines: never on hash codes.
/// </summary>
internal sealed class EnabledSet
{
    private int[] _items = new int[16];
    private int[] _pos = new int[16];
    private int _count;

    public EnabledSet() => Array.Fill(_pos, -1);

    public int Count => _count;
    public ReadOnlySpan<int> Items => new(_items, 0, _count);

    public bool Contains(int id) => id < _pos.Length && _pos[id] >= 0;

    public void Set(int id, bool enabled)
    {
        if (id >= _pos.Length) GrowPos(id);
        int p = _pos[id];
        if (enabled)
        {
            if (p >= 0) return;
            if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
            _items[_count] = id;
            _pos[id] = _count++;
        }
        else if (p >= 0)
        {
            int last = _items[--_count];
            _items[p] = last;
            _pos[last] = p;
            _pos[id] = -1;
        }
    }

    public void Clear()
    {
        for (int i = 0; i < _count; i++) _pos[_items[i]] = -1;
        _count = 0;
    }

    private void GrowPos(int id)
    {
        int n = _pos.Length;
        while (n <= id) n *= 2;
        int old = _pos.Length;
        Array.Resize(ref _pos, n);
        Array.Fill(_pos, -1, old, n - old);
    }
}

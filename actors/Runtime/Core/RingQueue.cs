namespace StressVm.Runtime;

/// <summary>FIFO of structs on a power-of-two ring; grows by doubling and never shrinks, so a reset keeps its memory.</summary>
internal sealed class RingQueue<T>
{
    private T[] _items = new T[8];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Enqueue(in T item)
    {
        if (_count == _items.Length) Grow();
        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    public T Dequeue()
    {
        if (_count == 0) throw new InvalidOperationException("queue empty");
        ref T slot = ref _items[_head];
        T item = slot;
        slot = default!;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return item;
    }

    public ref readonly T Peek() => ref _items[_head];

    public T PeekAt(int i) => _items[(_head + i) & (_items.Length - 1)];

    /// <summary>Removes the item at position <paramref name="i"/> (0 = the head), keeping the others in order.</summary>
    public T RemoveAt(int i)
    {
        if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i));
        if (i == 0) return Dequeue();
        int mask = _items.Length - 1;
        T item = _items[(_head + i) & mask];
        for (int j = i; j < _count - 1; j++) _items[(_head + j) & mask] = _items[(_head + j + 1) & mask];
        _items[(_head + _count - 1) & mask] = default!;
        _count--;
        return item;
    }

    public void Clear()
    {
        if (_count > 0) Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var bigger = new T[_items.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}

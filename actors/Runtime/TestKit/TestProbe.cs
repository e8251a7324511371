namespace StressVm.Runtime.TestKit;

/// <summary>
/// An actor that records every message it receives (Akka.TestKit's TestProbe). After a run, assert on
/// what arrived with <see cref="ExpectMsg{T}"/> and <see cref="ExpectNoMsg"/>, in arrival order.
/// Optionally replies to Asks with a fixed answer.
/// </summary>
public sealed class TestProbe : Actor
{
    private readonly List<(object Message, string Sender)> _received = new();
    private int _cursor;

    public TestProbe(Func<object, object?>? autoReply = null)
    {
        Receive<object>(m =>
        {
            _received.Add((m, Sender.Name));
            var reply = autoReply?.Invoke(m);
            if (reply is not null) Sender.Tell(reply, Self);
        });
    }

    public IReadOnlyList<object> Received => _received.Select(r => r.Message).ToList();

    protected internal override bool TryReset()
    {
        _received.Clear();
        _cursor = 0;
        return true;
    }

    /// <summary>The next unread message must be a <typeparamref name="T"/> (matching <paramref name="predicate"/>).</summary>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, string? because = null)
    {
        if (_cursor >= _received.Count)
            throw new TestKitException($"expected {typeof(T).Name}{Because(because)}, but no further message arrived (got {_received.Count} in all)");
        var (m, sender) = _received[_cursor++];
        if (m is not T t)
            throw new TestKitException($"expected {typeof(T).Name}{Because(because)}, got {m.GetType().Name} ({m}) from {sender}");
        if (predicate is not null && !predicate(t))
            throw new TestKitException($"{typeof(T).Name} ({m}) from {sender} does not match the expectation{Because(because)}");
        return t;
    }

    /// <summary>No unread message remains.</summary>
    public void ExpectNoMsg(string? because = null)
    {
        if (_cursor < _received.Count)
        {
            var (m, sender) = _received[_cursor];
            throw new TestKitException($"expected no message{Because(because)}, got {m.GetType().Name} ({m}) from {sender}");
        }
    }

    private static string Because(string? b) => b is null ? "" : $" ({b})";
}

public sealed class TestKitException(string message) : Exception(message);

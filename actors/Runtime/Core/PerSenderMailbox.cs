namespace StressVm.Runtime;

/// <summary>
/// <see cref="MailboxOrder.PerSender"/>: only FIFO per sender/receiver pair. Takes the oldest message of one of
/// the senders with mail queued, the sender drawn through the strategy (so recorded and replayed). Senders are
/// numbered by their oldest message.
/// </summary>
internal sealed class PerSenderMailbox
{
    private int[] _senders = new int[8];

    public Envelope Take(RingQueue<Envelope> box, ActorSystem system)
    {
        if (_senders.Length < box.Count) _senders = new int[box.Count * 2];
        int distinct = 0;
        for (int i = 0; i < box.Count; i++)
        {
            int sender = box.PeekAt(i).Sender;
            bool seen = false;
            for (int j = 0; j < distinct && !seen; j++) seen = box.PeekAt(_senders[j]).Sender == sender;
            if (!seen) _senders[distinct++] = i;
        }
        if (distinct == 1) return box.Dequeue();
        return box.RemoveAt(_senders[system.ChooseValue(distinct)]);
    }
}

namespace StressVm.Runtime;

/// <summary>Which message of a mailbox a step delivers.</summary>
public enum MailboxOrder : byte
{
    /// <summary>The oldest: one FIFO per actor (so also FIFO per sender/receiver pair). Fewer interleavings.</summary>
    PerActor = 0,

    /// <summary>
    /// The oldest message of one sender, the sender chosen by the strategy (a recorded value choice): only FIFO per
    /// sender/receiver pair is kept, so a later message from another sender may overtake, as in Akka. More
    /// interleavings: a lock actor may grant a later request first, as a kernel mutex or rwsem may.
    /// </summary>
    PerSender = 1,
}

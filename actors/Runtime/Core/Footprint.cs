namespace StressVm.Runtime;

/// <summary>
/// Names what a step touches, for partial-order reduction and coverage: a resource is a 64-bit key, its top
/// byte the space (the runtime's own, or a model's: a PTE, a frame, a lock, a VMA), the rest an id. Two steps
/// of different actors are dependent when they touch one resource and at least one writes it; a step that
/// touches <see cref="Global"/> is dependent on every other.
/// </summary>
public static class Footprint
{
    private const int SpaceShift = 56;
    private const long IdMask = (1L << SpaceShift) - 1;

    /// <summary>Everything: a step of an actor that shares memory and declared nothing.</summary>
    public const long Global = -1;

    /// <summary>Spaces below this one are the runtime's.</summary>
    public const int FirstModelSpace = 8;

    internal const int ActorSpace = 1;
    internal const int MailboxSpace = 2;
    internal const int WakeupSpace = 3;

    /// <summary>An actor's own state (written by its every step, and by an interrupt posted to it).</summary>
    public static long ActorState(int actor) => Of(ActorSpace, actor);

    /// <summary>An actor's mailbox: a post appends to it, so two posts to one actor do not commute.</summary>
    public static long Mailbox(int actor) => Of(MailboxSpace, actor);

    /// <summary>
    /// Which of an actor's pending deliveries comes next: an interrupt goes before a reply or a queued message,
    /// so a post of an interrupt does not commute with a reply to the same actor (nor with a message to it): in
    /// one order the actor may resume (or take the message) before the interrupt exists, in the other it cannot.
    /// </summary>
    public static long Wakeup(int actor) => Of(WakeupSpace, actor);

    /// <summary>A model resource: <paramref name="space"/> at least <see cref="FirstModelSpace"/>, below 127.</summary>
    public static long Of(int space, long id) => ((long)space << SpaceShift) | (id & IdMask);

    public static int SpaceOf(long resource) => resource == Global ? -1 : (int)(resource >> SpaceShift);
}

/// <summary>
/// Sees every step as it happens: which actor, what it delivered and which earlier step posted that, and what it
/// touched. The seam exploration strategies (DPOR) and coverage plug into; the runtime calls it only when set.
/// </summary>
public interface IStepObserver
{
    /// <summary>A run starts (after the reset, before PreStart).</summary>
    void RunBegins(ActorSystem system);

    /// <summary>Step <paramref name="step"/> delivers to <paramref name="actor"/> what step <paramref name="postedAt"/> posted (-1: before any step).</summary>
    void StepBegins(int step, int actor, EnvelopeKind kind, int postedAt);

    /// <summary>The step touches <paramref name="resource"/> (see <see cref="Footprint"/>).</summary>
    void Access(long resource, bool write);

    /// <summary>The running step drew <paramref name="value"/> in [0, <paramref name="bound"/>) (a model's Choose, a per-sender pick).</summary>
    void Drew(int value, int bound);

    /// <summary>The step has ended; <paramref name="typeHash"/> names what it delivered (the fingerprint's hash of the message type).</summary>
    void StepEnds(int step, int actor, ulong typeHash);
}

namespace StressVm.Runtime;

/// <summary>
/// An invariant checker (an oracle), kept apart from the actors it watches. It runs after every step and
/// once at the end; returning a violation stops the run. Checks should be incremental: look only at what
/// the step changed.
/// </summary>
public interface ISafetyMonitor
{
    /// <summary>Forget everything: a new run starts.</summary>
    void Reset();

    /// <summary>Called after step <paramref name="step"/>, taken by actor <paramref name="actor"/>.</summary>
    Violation? AfterStep(ActorSystem system, int step, int actor);

    /// <summary>Called when the run reaches quiescence without a deadlock (final-state checks).</summary>
    Violation? AtEnd(ActorSystem system);
}

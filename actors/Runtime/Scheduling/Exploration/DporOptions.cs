namespace StressVm.Runtime;

/// <summary>
/// Bounds and mode of an exhaustive search. Steps are bounded by the system's own <see cref="ActorSystem.MaxSteps"/>.
/// </summary>
public sealed record DporOptions
{
    /// <summary>True: dynamic partial-order reduction (one schedule per trace class); false: every interleaving (naive enumeration).</summary>
    public bool Reduction { get; init; } = true;

    /// <summary>Preemption bounding (Musuvathi and Qadeer, PLDI 2007): at most this many switches away from an actor that could go on; null: unbounded.</summary>
    public int? MaxPreemptions { get; init; }

    /// <summary>Stop after this many distinct trace classes.</summary>
    public long MaxClasses { get; init; } = long.MaxValue;

    /// <summary>Stop after this many schedules (runs), whatever their classes.</summary>
    public long MaxSchedules { get; init; } = long.MaxValue;
}

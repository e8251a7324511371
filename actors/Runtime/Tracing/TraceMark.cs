namespace StressVm.Runtime;

/// <summary>
/// What a mark says: a span opens or closes on its actor's lane, a point event, or an error on the open span.
/// A hold (a lock held by someone) is a span that may overlap others instead of nesting: it is closed by name.
/// </summary>
public enum MarkKind : byte { SpanBegin = 0, SpanEnd = 1, Event = 2, Error = 3, HoldBegin = 4, HoldEnd = 5 }

/// <summary>
/// A model's annotation of its own steps (a fault begins, a PTE changes, a walk ends), recorded at the
/// step that made it. Telemetry turns marks into nested spans; they never change a schedule.
/// </summary>
public readonly record struct TraceMark(int Step, int Actor, MarkKind Kind, string Name, string? Detail);

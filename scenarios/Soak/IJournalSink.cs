namespace StressVm.Scenarios.Soak;

/// <summary>Where encoded journal lines go: appended and made durable before <see cref="Append"/> returns.</summary>
public interface IJournalSink : IDisposable
{
    /// <summary>Appends whole lines (each ending in '\n') and flushes them to disk.</summary>
    void Append(string lines);
}

namespace StressVm.Runtime;

/// <summary>One blocked actor: what it waits for, and who holds that (when the target can tell).</summary>
public sealed record WaitEdge(string Waiter, string WaitsFor, string Request, string? HeldBy, string State);

/// <summary>Who was stuck when nothing could move, and the wait-for cycle among them if there is one.</summary>
public sealed record DeadlockReport(IReadOnlyList<WaitEdge> Waiters, IReadOnlyList<string> Cycle)
{
    public override string ToString()
    {
        var parts = Waiters.Select(w =>
            w.WaitsFor == "-"
                ? $"{w.Waiter} has unfinished work ({w.State})"
                : $"{w.Waiter} waits for {w.WaitsFor} ({w.Request}{(w.HeldBy is null ? "" : $", held by {w.HeldBy}")})");
        string cycle = Cycle.Count > 0 ? "; cycle: " + string.Join(" -> ", Cycle) : "";
        return string.Join("; ", parts) + cycle;
    }
}

namespace StressVm.Runtime;

/// <summary>
/// Called when nothing is enabled: every actor still suspended in an Ask or with unfinished work is a waiter;
/// the report names what each waits for, who holds it (when the target can tell) and the wait-for cycle.
/// </summary>
internal static class DeadlockDetector
{
    public static DeadlockReport? Find(ActorSystem system, ActorRegistry actors)
    {
        var waiters = new List<WaitEdge>();
        var next = new Dictionary<int, int>();
        for (int i = 0; i < actors.Count; i++)
        {
            var a = actors[i];
            if (a.Asking.Suspended)
            {
                int target = a.Asking.Target;
                var holder = target >= 0 ? actors[target].HolderFor(system.RefOf(i)) : ActorRef.Nobody;
                waiters.Add(new WaitEdge(system.NameOf(i), system.NameOf(target), a.Asking.MessageType?.Name ?? "?",
                    holder.IsNobody ? null : holder.Name, a.DescribeState()));
                next[i] = holder.IsNobody ? target : holder.Id;
            }
            else if (a.HasUnfinishedWork)
                waiters.Add(new WaitEdge(system.NameOf(i), "-", "-", null, a.DescribeState()));
        }
        if (waiters.Count == 0) return null;
        return new DeadlockReport(waiters, FindCycle(next, system.NameOf));
    }

    private static List<string> FindCycle(Dictionary<int, int> next, Func<int, string> nameOf)
    {
        foreach (int start in next.Keys.Order())
        {
            var path = new List<int>();
            int cur = start;
            while (next.TryGetValue(cur, out int n) && !path.Contains(cur))
            {
                path.Add(cur);
                cur = n;
            }
            int at = path.IndexOf(cur);
            if (at >= 0)
            {
                var names = path.Skip(at).Select(nameOf).ToList();
                names.Add(nameOf(cur));
                return names;
            }
        }
        return new List<string>();
    }
}

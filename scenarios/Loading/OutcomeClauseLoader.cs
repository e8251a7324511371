using StressVm.Kernel;

namespace StressVm.Scenarios;

/// <summary>
/// Loads a scenario's expected-outcome clauses: <c>outcomes { "cpu0.1" = sigbus }</c> (every schedule),
/// <c>forbid = [ { ... } ]</c> and <c>exists = [ { ... } ]</c> (herd7's final conditions). Every key must name an
/// instruction ("&lt;cpu&gt;.&lt;index&gt;" of a program), every value must be an outcome pattern, and a
/// <c>value=&lt;label&gt;</c> must name a store instruction (or 0 / kernel).
/// </summary>
public static class OutcomeClauseLoader
{
    public static OutcomeClauses? Load(SObject root, IReadOnlyList<CpuSpec> cpus, bool swarm)
    {
        var always = root["outcomes"] is { } ov ? Condition(ov, "outcomes", cpus) : null;
        var forbid = List(root["forbid"], "forbid", cpus);
        var exists = List(root["exists"], "exists", cpus);
        if (always is null && forbid.Count == 0 && exists.Count == 0) return null;
        if (swarm)
            throw (root["outcomes"] ?? root["forbid"] ?? root["exists"])!.Error("outcome clauses need fixed programs; a swarm scenario draws new ones per seed");
        return new OutcomeClauses(always, forbid, exists);
    }

    private static List<OutcomeCondition> List(SValue? v, string key, IReadOnlyList<CpuSpec> cpus)
    {
        var list = new List<OutcomeCondition>();
        if (v is null) return list;
        if (v is not SArray a) throw v.Error($"'{key}' must be an array of objects like {{ \"cpu0.1\" = sigbus }}, found {v.TypeName}");
        foreach (var item in a.Items) list.Add(Condition(item, key, cpus));
        return list;
    }

    private static OutcomeCondition Condition(SValue v, string key, IReadOnlyList<CpuSpec> cpus)
    {
        if (v is not SObject o) throw v.Error($"'{key}' needs an object like {{ \"cpu0.1\" = sigbus }}, found {v.TypeName}");
        var terms = new List<(string, string)>();
        Flatten(o, "", terms, cpus);
        if (terms.Count == 0) throw o.Error($"'{key}' names no instruction");
        return new OutcomeCondition(terms);
    }

    /// <summary>"cpu0.1" = x and cpu0.1 = x (a HOCON path: cpu0 { 1 = x }) both name instruction 1 of cpu0.</summary>
    private static void Flatten(SObject o, string prefix, List<(string, string)> terms, IReadOnlyList<CpuSpec> cpus)
    {
        foreach (var k in o.Keys)
        {
            var v = o[k]!;
            string label = prefix + k;
            if (v is SObject child)
            {
                Flatten(child, label + ".", terms, cpus);
                continue;
            }
            CheckLabel(v, label, cpus, out _);
            if (v is not SScalar s) throw v.Error($"the outcome of '{label}' must be a pattern such as stored, sigbus or \"value=cpu0.0\", found {v.TypeName}");
            string p = s.Text;
            if (!OpOutcome.IsPattern(p))
                throw v.Error($"unknown outcome '{p}' for '{label}'; expected one of {string.Join(", ", OpOutcome.Patterns)}, \"value=<0|kernel|cpuN.I>\", \"ret=0\" or \"ret=-<EINVAL|ENOMEM|EBADF>\" (quote forms with ':' or '=')");
            if (p.StartsWith("value=", StringComparison.Ordinal) && p[6..] is var w && w != "0" && w != "kernel")
            {
                var op = CheckLabel(v, w, cpus, out _);
                if (op.Kind != OpKind.Store) throw v.Error($"'{p}': {w} is not a store instruction, so no load can read its value");
            }
            terms.Add((label, p));
        }
    }

    private static CpuOp CheckLabel(SValue at, string label, IReadOnlyList<CpuSpec> cpus, out CpuSpec cpu)
    {
        int dot = label.LastIndexOf('.');
        string name = dot < 0 ? label : label[..dot];
        var c = cpus.FirstOrDefault(x => x.Name == name)
            ?? throw at.Error($"'{label}' names no instruction: expected \"<cpu>.<index>\" with a CPU of {string.Join(", ", cpus.Select(x => x.Name))}");
        if (dot < 0 || !int.TryParse(label.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) || i >= c.Program.Count)
            throw at.Error($"'{label}' names no instruction: {c.Name} has instructions {c.Name}.0 to {c.Name}.{c.Program.Count - 1}");
        cpu = c;
        return c.Program[i];
    }
}

namespace StressVm.Conform;

/// <summary>One distinct vector the kernel showed: how often, whether the model allows it, and if not the nearest model vector.</summary>
public sealed record SeenOutcome(string[] Vector, int Count, bool Allowed, AllowedOutcome? Nearest, int Distance);

/// <summary>The verdict for one scenario: ok (every kernel outcome allowed), model-bug, or no-data (no run gave a vector).</summary>
public sealed record ScenarioVerdict(ConformProgram Program, int Runs, IReadOnlyList<SeenOutcome> Seen,
    IReadOnlyList<AllowedOutcome> NeverShown, ModelOutcomeSet Model, IReadOnlyList<string> Failures)
{
    public bool ModelBug => Seen.Any(s => !s.Allowed);
    public string Verdict => ModelBug ? "MODEL BUG" : Seen.Count == 0 ? "no data" : "ok";
}

/// <summary>
/// Every outcome vector the kernel showed must be in the model's allowed set; one the model forbids is a model
/// bug (reported with the nearest allowed vector: fewest operations differing). Vectors the model allows and
/// the kernel never showed are listed, not errors (N runs see only some interleavings).
/// </summary>
public static class Comparison
{
    public static ScenarioVerdict Compare(ConformProgram program, KernelRuns kernel, ModelOutcomeSet model)
    {
        var seen = new List<SeenOutcome>();
        var shown = new HashSet<AllowedOutcome>();
        foreach (var g in kernel.Vectors.GroupBy(v => string.Join('\n', v), StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var v = g.First();
            var match = model.Allowed.Where(a => OutcomeText.Allows(a.Vector, v)).ToList();
            foreach (var m in match) shown.Add(m);
            if (match.Count > 0)
            {
                seen.Add(new SeenOutcome(v, g.Count(), true, null, 0));
                continue;
            }
            var nearest = model.Allowed.OrderBy(a => OutcomeText.Distance(a.Vector, v)).ThenByDescending(a => a.Count).FirstOrDefault();
            seen.Add(new SeenOutcome(v, g.Count(), false, nearest, nearest is null ? v.Length : OutcomeText.Distance(nearest.Vector, v)));
        }
        var never = model.Allowed.Where(a => !shown.Contains(a)).ToList();
        return new ScenarioVerdict(program, kernel.Vectors.Count + kernel.Failures.Count, seen, never, model, kernel.Failures);
    }
}

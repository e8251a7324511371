using StressVm.Kernel;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The settings that decide a chunk's result besides the seed space: the user's knobs and kernel settings (from
/// --config and -D), the mailbox order and the step budget. Written once, after the header; a resume with other
/// ones is refused, since its chunks would not count the same as the journal's. Journals of older StressVm
/// versions have none: their first resume records its own (and says so).
/// </summary>
public sealed record SoakSettingsRecorded(IReadOnlyDictionary<string, bool> Knobs, IReadOnlyDictionary<string, string> Settings, string MailboxOrder, int MaxSteps)
    : SoakRecord
{
    public static SoakSettingsRecorded Of(RunSettings s) => new(
        new SortedDictionary<string, bool>(s.KnobOverrides.ToDictionary(), StringComparer.Ordinal),
        new SortedDictionary<string, string>(s.SettingOverrides.ToDictionary(), StringComparer.Ordinal),
        s.MailboxOrder.ToString(), s.MaxSteps);

    /// <summary>What differs from <paramref name="journal"/>, each as "PATH X here, Y in the journal"; empty when nothing does.</summary>
    public IReadOnlyList<string> DifferencesFrom(SoakSettingsRecorded journal)
    {
        var d = new List<string>();
        Compare(d, Knobs.ToDictionary(k => $"{KernelKnobs.BugsPath}.{k.Key}", k => k.Value ? "true" : "false"),
            journal.Knobs.ToDictionary(k => $"{KernelKnobs.BugsPath}.{k.Key}", k => k.Value ? "true" : "false"));
        Compare(d, Settings.ToDictionary(k => $"{KernelKnobs.SettingsPath}.{k.Key}", k => k.Value),
            journal.Settings.ToDictionary(k => $"{KernelKnobs.SettingsPath}.{k.Key}", k => k.Value));
        if (MailboxOrder != journal.MailboxOrder) d.Add($"stressvm.run.mailbox-order {MailboxOrder} here, {journal.MailboxOrder} in the journal");
        if (MaxSteps != journal.MaxSteps) d.Add($"stressvm.run.max-steps {MaxSteps} here, {journal.MaxSteps} in the journal");
        return d;
    }

    private static void Compare(List<string> d, Dictionary<string, string> here, Dictionary<string, string> journal)
    {
        foreach (var key in here.Keys.Union(journal.Keys).Order(StringComparer.Ordinal))
        {
            string a = here.GetValueOrDefault(key) ?? "unset", b = journal.GetValueOrDefault(key) ?? "unset";
            if (a != b) d.Add($"{key} {a} here, {b} in the journal");
        }
    }
}

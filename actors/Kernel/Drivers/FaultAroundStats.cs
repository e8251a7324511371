namespace StressVm.Kernel;

/// <summary>
/// The faultaround outcome of a run (not a race: a traced result, as the 2021 "old ptes" series measured):
/// minor faults taken, PTEs prefaulted (old or young), prefaulted-old PTEs an access made young (hardware
/// A bit or an access-flag fault), and pages an aging pass would keep (folio_referenced finds a young PTE).
/// </summary>
public sealed class FaultAroundStats : DriverDevice
{
    private readonly List<(MmStruct Mm, int Vpn, int Pfn)> _prefaultedOld = new();
    private KernelState _k = null!;

    public override string Name => "faultaround";

    public long Prefaulted;

    public override void Attach(StressVm.Runtime.ActorSystem system, KernelState k) => _k = k;

    public override void Reset(KernelState k, AddressSpace? mapping)
    {
        _prefaultedOld.Clear();
        Prefaulted = 0;
    }

    public void RecordPrefault(MmStruct mm, int vpn, int pfn, bool old)
    {
        Prefaulted++;
        if (old) _prefaultedOld.Add((mm, vpn, pfn));
    }

    public override void AddCounters(IDictionary<string, long> into)
    {
        long madeYoung = 0;
        foreach (var (mm, vpn, pfn) in _prefaultedOld)
        {
            var pte = mm.GetPte(vpn);
            if (pte.Present && pte.Pfn == pfn && pte.Young) madeYoung++;
        }
        // An aging pass (folio_referenced -> ptep_clear_flush_young) keeps every page with a young PTE.
        long keeps = 0;
        foreach (var mm in _k.Mms)
            foreach (var vma in mm.Vmas)
            {
                if (vma.Ops is not FaultAroundOps) continue;
                for (int vpn = vma.Start; vpn < vma.End; vpn++)
                {
                    var pte = mm.GetPte(vpn);
                    if (pte.Present && pte.Young) keeps++;
                }
            }
        Add(into, "faultaround-minor-faults", _k.Faults);
        Add(into, "faultaround-ptes-prefaulted", Prefaulted);
        Add(into, "faultaround-ptes-made-young-by-access", madeYoung);
        Add(into, "faultaround-pages-aging-keeps", keeps);
    }
}

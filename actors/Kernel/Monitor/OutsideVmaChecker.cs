namespace StressVm.Kernel;

/// <summary>
/// The outside-vma oracle. When munmap or madvise(MADV_DONTNEED) returns, no present PTE of its range may lie
/// outside every VMA (munmap zaps every PTE of what it unmaps, under the VMA write lock that keeps faults
/// out: vms_gather_munmap_vmas / unmap_region). From then on a page munmap unmapped stays unmapped until an
/// mmap maps a VMA over it again, so a PTE installed there while no VMA covers it, or a load or store there
/// that succeeds, is memory the program no longer has: the kernel gives SIGSEGV (SEGV_MAPERR) instead.
/// </summary>
public sealed class OutsideVmaChecker
{
    private readonly KernelState _k;
    /// <summary>Per mm (index in KernelState.Mms): pages a returned munmap left outside every VMA.</summary>
    private readonly List<bool[]> _unmapped = new();
    /// <summary>Some munmap returned this run (the per-step checks cost nothing before).</summary>
    private bool _any;

    public OutsideVmaChecker(KernelState k) => _k = k;

    public void Reset()
    {
        foreach (var u in _unmapped) Array.Clear(u);
        _any = false;
    }

    private bool[] Of(MmStruct mm)
    {
        int i = _k.Mms.IndexOf(mm);
        while (_unmapped.Count <= i) _unmapped.Add(new bool[_k.Mms[_unmapped.Count].MaxVpn]);
        return _unmapped[i];
    }

    /// <summary>
    /// munmap/madvise returned: its range must hold no PTE outside a VMA; munmap's range is now gone. For madvise
    /// only pages an earlier munmap removed count: a munmap still running may not have zapped its range yet.
    /// </summary>
    public string? CheckZapDone(ZapRecord z, bool munmap)
    {
        var mm = z.Mm;
        var gone = Of(mm);
        for (int vpn = Math.Max(0, z.Start); vpn < Math.Min(z.End, mm.MaxVpn); vpn++)
        {
            if (mm.FindVma(vpn) is not null) continue;
            if (munmap) gone[vpn] = _any = true;
            else if (!gone[vpn]) continue;
            var pte = mm.GetPte(vpn);
            if (pte.Present)
                return $"{z.Syscall} [{z.Start:x}-{z.End:x}) returned but a PTE at {vpn:x} (pfn {pte.Pfn}) remains outside every VMA";
        }
        return null;
    }

    /// <summary>A PTE was installed: not in a page a returned munmap removed.</summary>
    public string? CheckInstall(in KernelEvent e)
    {
        if (e.Object is not MmStruct mm || !_any) return null;
        var gone = Of(mm);
        return (uint)e.Vpn < (uint)gone.Length && gone[e.Vpn] && mm.FindVma(e.Vpn) is null
            ? $"PTE at {e.Vpn:x} installed for {e.Frame} after munmap of it returned: outside every VMA"
            : null;
    }

    /// <summary>An access succeeded: not in a page a returned munmap removed.</summary>
    public string? CheckAccess(in KernelEvent e)
    {
        if (e.Object is not MmStruct mm || !_any) return null;
        var gone = Of(mm);
        return (uint)e.Vpn < (uint)gone.Length && gone[e.Vpn] && mm.FindVma(e.Vpn) is null
            ? $"succeeded after munmap of {e.Vpn:x} returned: outside every VMA the kernel gives SIGSEGV (SEGV_MAPERR)"
            : null;
    }
}

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
    /// <summary>Per mm: KernelState.Clock when an mmap last stored a VMA over the page (0: never this run).</summary>
    private readonly List<long[]> _mappedAt = new();
    /// <summary>Per mm: the pages written this run, [low, high): Reset clears only those (the arrays span every page table).</summary>
    private readonly List<(int Low, int High)> _written = new();
    /// <summary>Some munmap returned this run (the per-step checks cost nothing before).</summary>
    private bool _any;

    public OutsideVmaChecker(KernelState k) => _k = k;

    public void Reset()
    {
        for (int i = 0; i < _written.Count; i++)
        {
            var (low, high) = _written[i];
            if (high <= low) continue;
            Array.Clear(_unmapped[i], low, high - low);
            Array.Clear(_mappedAt[i], low, high - low);
            _written[i] = (int.MaxValue, 0);
        }
        _any = false;
    }

    private int IndexOf(MmStruct mm)
    {
        int i = _k.Mms.IndexOf(mm);
        while (_unmapped.Count <= i)
        {
            int pages = _k.Mms[_unmapped.Count].MaxVpn;
            _unmapped.Add(new bool[pages]);
            _mappedAt.Add(new long[pages]);
            _written.Add((int.MaxValue, 0));
        }
        return i;
    }

    private bool[] Of(MmStruct mm) => _unmapped[IndexOf(mm)];

    /// <summary>Pages [start, end) of mm <paramref name="i"/> are about to be written.</summary>
    private void Writing(int i, int start, int end)
    {
        var (low, high) = _written[i];
        _written[i] = (Math.Min(low, start), Math.Max(high, end));
    }

    /// <summary>
    /// munmap/madvise returned: its range must hold no PTE outside a VMA; munmap's range is now gone. For madvise
    /// only pages an earlier munmap removed count: a munmap still running may not have zapped its range yet.
    /// </summary>
    public string? CheckZapDone(ZapRecord z, bool munmap)
    {
        var mm = z.Mm;
        int m = IndexOf(mm);
        var gone = _unmapped[m];
        var mapped = _mappedAt[m];
        if (munmap) Writing(m, Math.Max(0, z.Start), Math.Min(z.End, mm.MaxVpn));
        for (int vpn = Math.Max(0, z.Start); vpn < Math.Min(z.End, mm.MaxVpn); vpn++)
        {
            if (mm.FindVma(vpn) is not null) continue;
            // An mmap stored a VMA here after this call began (and another munmap may be removing it): the page
            // is no longer this call's to have left unmapped.
            if (mapped[vpn] >= z.StartedAt) continue;
            if (munmap) gone[vpn] = _any = true;
            else if (!gone[vpn]) continue;
            var pte = mm.GetPte(vpn);
            if (pte.Present)
                return $"{z.Syscall} [{z.Start:x}-{z.End:x}) returned but a PTE at {vpn:x} (pfn {pte.Pfn}) remains outside every VMA";
        }
        return null;
    }

    /// <summary>An mmap stored a VMA over [start, end): what an earlier munmap removed is mapped again.</summary>
    public void Mapped(MmStruct mm, int start, int end)
    {
        int m = IndexOf(mm);
        var gone = _unmapped[m];
        var at = _mappedAt[m];
        Writing(m, Math.Max(0, start), Math.Min(end, gone.Length));
        for (int vpn = Math.Max(0, start); vpn < Math.Min(end, gone.Length); vpn++)
        {
            gone[vpn] = false;
            at[vpn] = _k.Clock;
        }
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

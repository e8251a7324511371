namespace StressVm.Kernel;

/// <summary>
/// The struct-page insertion APIs of mm/memory.c (v7.0-rc6 l.2323-2560): vm_insert_page / vm_insert_pages -&gt;
/// insert_page / insert_pages -&gt; validate_page_before_insert + insert_page_into_pte_locked. The page is treated
/// as a folio: folio_get, folio_add_file_rmap_pte, a normal (not special) PTE built from the protection the
/// caller passes, which vm_insert_page(s) read from vma-&gt;vm_page_prot at the time of the call. Called from
/// -&gt;mmap that is before __mmap_complete's vma_set_page_prot (David Hildenbrand's point in the seeds' thread).
/// vmf_insert_page_mkwrite (the DAX fault path) is <see cref="DaxInsertPage"/>, on top of
/// <see cref="InsertPageIntoPteLocked"/>.
/// </summary>
public static class InsertPage
{
    public const int EBUSY = 16, EFAULT = 14;

    /// <summary>
    /// validate_page_before_insert(): the folio must be referenced (folio_ref_count), not anonymous and have a
    /// struct page (a frame the model does not refcount has none: -EINVAL); the zero page only where
    /// vm_mixed_zeropage_allowed() (a VM_MIXEDMAP VMA with -&gt;pfn_mkwrite, as DAX's).
    /// </summary>
    public static int ValidatePageBeforeInsert(Vma vma, Frame page)
    {
        if (page.KernelMappedType) return -Errnos.EINVAL; // page_has_type(page): v7.0 refuses typed pages
        if (page.Kind == FrameKind.Zero)
            return (vma.Flags & VmFlags.MixedMap) != 0 && vma.Ops is { HasPfnMkwrite: true } ? 0 : -Errnos.EINVAL;
        if (!page.IsRefcounted || page.Refcount == 0 || page.Anon) return -Errnos.EINVAL;
        return 0;
    }

    /// <summary>
    /// insert_page_into_pte_locked() (l.2341), the PTL held by the caller. A none PTE gets mk_pte(page, prot):
    /// the zero page as a special PTE; any other page with folio_get + folio_add_file_rmap_pte, and with mkwrite
    /// young, dirty and (VM_WRITE) writable. A present PTE is -EBUSY without mkwrite; with mkwrite it must map the
    /// same pfn (else WARN unless it is the zero page, -EFAULT), and is upgraded in place (maybe_mkwrite +
    /// pte_mkyoung, no mkdirty). <paramref name="pmd"/>: insert_pmd's differences (mm/huge_memory.c: the upgrade
    /// does pmd_mkdirty). Knobs dax-mkwrite-skip-pte-check and dax-insert-strict-pfn change the pfn check.
    /// </summary>
    public static int InsertPageIntoPteLocked(KernelActor? cur, KernelState k, Vma vma, int vpn, Frame page, PgProt prot, bool mkwrite, bool pmd = false)
    {
        int actor = cur?.ActorId ?? -1;
        var mm = vma.Mm;
        var pte = mm.GetPte(vpn);
        if (pte.Present)
        {
            if (!mkwrite) return -EBUSY;
            if (pte.Pfn != page.Pfn && !k.Knobs.DaxMkwriteSkipPteCheck)
            {
                bool mappedZero = k.FrameAt(pte.Pfn).Kind == FrameKind.Zero;
                if (k.Knobs.DaxInsertStrictPfn) // B16: the 2017 rule, a WARN on any mismatch
                    k.Warn(actor, $"insert_page_into_pte_locked: WARN_ON_ONCE(pte_pfn(pteval) != page_to_pfn(page)) (pte maps pfn {pte.Pfn}{(mappedZero ? ", the zero page" : "")}, want {page.Pfn})", page);
                else if (!mappedZero)
                    k.Warn(actor, $"insert_page_into_pte_locked: WARN_ON_ONCE(!is_zero_pfn(pte_pfn(pteval))) (pte maps pfn {pte.Pfn}, want {page.Pfn})", page);
                return -EFAULT;
            }
            // Knob dax-mkwrite-skip-pte-check: whatever the PTE maps is made writable (even the zero page).
            pte.Young = true;
            pte.Write = vma.IsWritable; // maybe_mkwrite; no pte_mkdirty at v7.0 (the MMU sets D on the store)
            if (pmd) pte.Dirty = true;  // insert_pmd: maybe_pmd_mkwrite(pmd_mkdirty())
            mm.SetPte(vpn, pte, actor); // ptep_set_access_flags
            return 0;
        }
        Pte entry;
        if (page.Kind == FrameKind.Zero)
            entry = new Pte { Present = true, Pfn = page.Pfn, Write = prot.Write, Special = true, Young = true }; // pte_mkspecial
        else
        {
            k.FolioGet(page);
            // mk_pte(page, prot): the model leaves the accessed bit of a non-mkwrite insert to the first access.
            entry = new Pte { Present = true, Pfn = page.Pfn, Write = prot.Write };
            if (mkwrite)
            {
                entry.Young = true;
                entry.Dirty = true;
                entry.Write = vma.IsWritable; // maybe_mkwrite(pte_mkdirty())
            }
            k.FolioAddRmap(page); // folio_add_file_rmap_pte
        }
        mm.SetPte(vpn, entry, actor); // set_pte_at
        return 0;
    }

    /// <summary>
    /// vm_insert_page() (l.2537) from -&gt;mmap: -EFAULT outside the VMA; sets VM_MIXEDMAP (BUG_ON a VM_PFNMAP VMA);
    /// insert_page(vma, addr, page, vma-&gt;vm_page_prot, false). The VMA is reachable by no fault, walk or zap yet
    /// (mmap_lock held for write, not in i_mmap), so the PTL get_locked_pte takes is not modelled.
    /// </summary>
    public static int VmInsertPage(KernelState k, Vma vma, int vpn, Frame page, int actor = -1)
    {
        if (!vma.Contains(vpn)) return -EFAULT;
        if (SetMixedMap(k, vma, actor) is int err and < 0) return err;
        return InsertOne(k, vma, vpn, page, vma.PageProt);
    }

    /// <summary>
    /// vm_insert_pages() (l.2490) -&gt; insert_pages(vma, addr, pages, num, vma-&gt;vm_page_prot): as vm_insert_page for
    /// each page, the protection read once at the call. Returns 0 or the first error (pages before it stay mapped).
    /// </summary>
    public static int VmInsertPages(KernelState k, Vma vma, int vpn, ReadOnlySpan<Frame> pages, int actor = -1) =>
        VmInsertPagesProt(k, vma, vpn, pages, vma.PageProt, actor);

    /// <summary>
    /// vm_insert_pages_prot(): the variant Hildenbrand proposed in the seeds' thread ("a vm_insert_pages() variant
    /// where we can pass in the vm_page_prot"); not in v7.0. Same as vm_insert_pages with the caller's protection,
    /// and, as he sketched its follow-up, pages with their own type (<see cref="Frame.KernelMappedType"/>) are
    /// inserted without touching refcount or mapcount, as PTEs vm_normal_page() refuses (the model marks them
    /// special, which is how vm_normal_page, zap and do_wp_page see them).
    /// </summary>
    public static int VmInsertPagesProt(KernelState k, Vma vma, int vpn, ReadOnlySpan<Frame> pages, PgProt prot, int actor = -1)
    {
        if (vpn < vma.Start || vpn + pages.Length > vma.End) return -EFAULT;
        if (SetMixedMap(k, vma, actor) is int err and < 0) return err;
        for (int i = 0; i < pages.Length; i++)
        {
            var page = pages[i];
            if (page.KernelMappedType)
            {
                if (!vma.Mm.GetPte(vpn + i).IsNone) return -EBUSY;
                vma.Mm.SetPte(vpn + i, new Pte { Present = true, Pfn = page.Pfn, Write = prot.Write, Special = true, Young = true }, actor);
                continue;
            }
            int e = InsertOne(k, vma, vpn + i, page, prot); // insert_page_in_batch_locked
            if (e != 0) return e;
        }
        return 0;
    }

    private static int InsertOne(KernelState k, Vma vma, int vpn, Frame page, PgProt prot)
    {
        int err = ValidatePageBeforeInsert(vma, page);
        return err != 0 ? err : InsertPageIntoPteLocked(null, k, vma, vpn, page, prot, mkwrite: false);
    }

    /// <summary>"if (!(vma->vm_flags &amp; VM_MIXEDMAP)) { BUG_ON(vma->vm_flags &amp; VM_PFNMAP); vm_flags_set(vma, VM_MIXEDMAP); }".</summary>
    private static int SetMixedMap(KernelState k, Vma vma, int actor)
    {
        if ((vma.Flags & VmFlags.MixedMap) != 0) return 0;
        if ((vma.Flags & VmFlags.PfnMap) != 0)
        {
            k.Warn(actor, $"vm_insert_page: BUG_ON(vma->vm_flags & VM_PFNMAP) on {vma}");
            return -Errnos.EINVAL;
        }
        vma.Flags |= VmFlags.MixedMap;
        return 0;
    }
}

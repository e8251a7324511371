using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// A DAX file's vm_operations on a VM_MIXEDMAP shared mapping: ext4_dax_vm_ops has .fault, .page_mkwrite and
/// .pfn_mkwrite all = ext4_dax_fault; xfs has xfs_filemap_fault / _page_mkwrite / xfs_filemap_pfn_mkwrite, all
/// ending in dax_iomap_fault. dax_iomap_pte_fault (fs/dax.c): lock the entry (grab_mapping_entry), look up the
/// block (iomap_begin), then dax_fault_iter: a read of a hole maps the shared zero page read-only
/// (dax_load_hole); otherwise dax_insert_entry (replacing a zero-page entry first unmaps its PTEs; a write
/// tags the entry DIRTY/TOWRITE) and the insert with mkwrite for writes. The insert follows
/// stressvm.kernel.dax.version: v7.0-rc6 vmf_insert_page_mkwrite (<see cref="DaxInsertPage"/>: normal
/// refcounted PTEs, a pfn mismatch is SIGBUS) or v6.14 vmf_insert_mixed_mkwrite -&gt; insert_pfn
/// (<see cref="DaxInsertPfn"/>: special PTEs, a mismatch is retried).
/// </summary>
public sealed class DaxOps : VmOperations
{
    private readonly DaxInode _inode;

    public DaxOps(bool pmd) => _inode = new DaxInode(pmd);

    public override string Name => _inode.Name;
    public override bool HasFault => true;
    public override bool HasPageMkwrite => true;
    public override bool HasPfnMkwrite => true;
    public override DriverDevice Device => _inode;
    public DaxInode Inode => _inode;

    /// <summary>The mmap of a DAX file: VM_MIXEDMAP (ext4_file_mmap / xfs_file_mmap with IS_DAX).</summary>
    public override int Mmap(KernelState k, Vma vma, int actor)
    {
        vma.Flags |= VmFlags.MixedMap; // ext4_file_mmap: vm_flags_set(vma, VM_MIXEDMAP) when IS_DAX
        return 0;
    }

    public override ValueTask<VmFault> Fault(KernelActor cur, Vmf vmf) => DaxIomapPteFault(cur, vmf);

    /// <summary>.pfn_mkwrite (ext4_dax_fault; xfs_filemap_pfn_mkwrite -&gt; xfs_write_fault): a write fault on a present read-only DAX PTE goes through the DAX fault again.</summary>
    public override ValueTask<VmFault> PfnMkwrite(KernelActor cur, Vmf vmf) => DaxIomapPteFault(cur, vmf);

    public override ValueTask<VmFault> PageMkwrite(KernelActor cur, Vmf vmf) => DaxIomapPteFault(cur, vmf);

    /// <summary>ext4_sync_file/xfs_file_fsync -&gt; dax_writeback_mapping_range().</summary>
    public override ValueTask Fsync(KernelActor cur, Vma vma) => DaxWritebackOne.WritebackMappingRange(cur, _inode);

    /// <summary>write(2) -&gt; dax_iomap_rw().</summary>
    public override ValueTask FileWrite(KernelActor cur, Vma vma, int pgoff, int pages) => DaxFileWrite.Write(cur, _inode, pgoff, pages);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<VmFault> DaxIomapPteFault(KernelActor cur, Vmf vmf)
    {
        var inode = _inode;
        var k = cur.K;
        int index = vmf.Pgoff;
        if (index >= inode.Pages) return VmFault.SigBus; // beyond i_size
        var entry = inode.EntryOf(index);
        await cur.Lock(entry.Lock); // grab_mapping_entry(): waits for an unlocked entry, then locks it
        bool write = vmf.Write;
        var block = inode.BlockAt(index);
        VmFault ret;
        if (!write && block is null)
        {
            // dax_load_hole(): a zero-page entry, and the shared zero page mapped read-only.
            entry.Kind = DaxEntryKind.Zero;
            inode.ZeroPageMaps++;
            ret = k.Knobs.DaxVersion == DaxVersion.V7_0
                ? await DaxInsertPage.VmfInsertPageMkwrite(cur, vmf, k.ZeroPage, write: false).ConfigureAwait(false)
                : await DaxInsertPfn.InsertPfn(cur, vmf, k.ZeroPage.Pfn, mkwrite: false).ConfigureAwait(false);
        }
        else
        {
            block ??= inode.AllocateBlock(index); // iomap_begin(IOMAP_WRITE) allocates under a hole
            // dax_insert_entry(): "we are replacing a zero page with block mapping".
            if (entry.Kind == DaxEntryKind.Zero)
                await DaxUnmapMappingPages.Unmap(cur, inode.Mapping, index, 1).ConfigureAwait(false);
            if (entry.Kind != DaxEntryKind.Pfn)
            {
                entry.Kind = DaxEntryKind.Pfn;
                entry.BasePfn = inode.BlockAt(entry.Index)!.Pfn;
            }
            if (write)
            {
                entry.Dirty = true;   // xas_set_mark(PAGECACHE_TAG_DIRTY), inode dirty
                entry.ToWrite = true; // (the model's fsync walks DIRTY entries)
            }
            if (k.Knobs.DaxVersion == DaxVersion.V7_0)
            {
                k.FolioGet(block); // folio_ref_inc(folio) around the insert
                // vmf_insert_page_mkwrite, or vmf_insert_folio_pmd for a PMD entry
                ret = await DaxInsertPage.VmfInsertPageMkwrite(cur, vmf, block, write, pmd: inode.Pmd).ConfigureAwait(false);
                k.FolioPut(block, cur.ActorId);
                if ((ret & VmFault.SigBus) != 0) inode.InsertSigbus++; // the -EFAULT of a pfn mismatch
            }
            else
                ret = await DaxInsertPfn.InsertPfn(cur, vmf, block.Pfn, mkwrite: write).ConfigureAwait(false);
        }
        cur.Unlock(entry.Lock); // dax_unlock_entry()
        return ret;
    }
}

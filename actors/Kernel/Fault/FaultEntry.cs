using System.Runtime.CompilerServices;

namespace StressVm.Kernel;

/// <summary>
/// arch/x86/mm/fault.c do_user_addr_fault() and mm/memory.c handle_mm_fault()/handle_pte_fault() (A0, A1):
/// per-VMA lock first, mmap_lock fallback after VM_FAULT_RETRY, the lockless PTE snapshot and its
/// pte_same() re-check under the PTL.
/// </summary>
public static class FaultEntry
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<AccessOutcome> DoUserAddrFault(CpuActor cpu, int vpn, bool write)
    {
        var k = cpu.K;
        var mm = cpu.Mm;
        var vmf = cpu.Vmf;
        cpu.Begin("fault", write ? $"write {vpn:x}" : $"read {vpn:x}");
        // lock_vma_under_rcu(): mas_walk under RCU, vma_start_read, re-check the range after locking.
        while (true)
        {
            var vma = mm.FindVma(vpn);
            if (vma is null) break;
            bool refHeld = false;
            if (!k.Knobs.FaultIgnoreVmaLock)
            {
                var r = await cpu.VmaStartRead(vma);
                if (r == VmaLockReply.Detached) continue; // -EAGAIN: the VMA was isolated, look up again
                if (r == VmaLockReply.Busy) break;         // NULL: fall back to mmap_lock
                refHeld = true;
            }
            // Knob fault-ignore-vma-lock: the VMA is used with no reference; munmap will not wait for us.
            if (!vma.Contains(vpn))
            {
                if (refHeld) await cpu.VmaEndReadWake(vma).ConfigureAwait(false);
                break;
            }
            if (write && !vma.IsWritable) // access_error() -> bad_area_access_error(): SEGV_ACCERR
            {
                Signal(cpu, vpn, write, AccessOutcome.SegvAccErr, "access_error (VMA lock)");
                if (refHeld) cpu.VmaEndRead(vma);
                cpu.End("fault", "SIGSEGV (access_error)");
                return AccessOutcome.SegvAccErr;
            }
            vmf.Init(vma, vpn, write, vmaLock: true, refHeld, tried: false);
            var fault = await HandleMmFault(cpu, vmf).ConfigureAwait(false);
            if ((fault & (VmFault.Retry | VmFault.Completed)) == 0 && vmf.VmaRefHeld) await cpu.VmaEndReadWake(vma).ConfigureAwait(false);
            if ((fault & VmFault.Retry) == 0)
            {
                cpu.End("fault", fault.ToString());
                return Outcome(cpu, vmf, fault);
            }
            k.Retries++;
            break; // VM_FAULT_RETRY: the handler dropped the VMA lock; redo under mmap_lock
        }

        bool tried = false;
        int retries = 0;
        while (true)
        {
            // lock_mm_and_find_vma()
            await cpu.Lock(mm.MmapLock, LockMode.Read);
            var vma = mm.FindVma(vpn);
            if (vma is null || (write && !vma.IsWritable))
            {
                // bad_area_nosemaphore() (no VMA): SEGV_MAPERR; bad_area_access_error(): SEGV_ACCERR. Decided under mmap_lock.
                var sig = vma is null ? AccessOutcome.SegvMapErr : AccessOutcome.SegvAccErr;
                Signal(cpu, vpn, write, sig, vma is null ? "lock_mm_and_find_vma: no VMA" : "access_error");
                cpu.Unlock(mm.MmapLock);
                cpu.End("fault", "SIGSEGV");
                return sig;
            }
            vmf.Init(vma, vpn, write, vmaLock: false, refHeld: false, tried);
            var fault = await HandleMmFault(cpu, vmf).ConfigureAwait(false);
            if ((fault & VmFault.Completed) != 0)
            {
                cpu.End("fault", "completed");
                return AccessOutcome.Done;
            }
            if ((fault & VmFault.Retry) != 0)
            {
                // The handler released mmap_lock; FAULT_FLAG_TRIED; goto retry.
                tried = true;
                k.Retries++;
                if (++retries > k.LivelockBound)
                {
                    k.Emit(new KernelEvent(EventKind.Livelock, cpu.ActorId, null, vpn, Detail: $"fault at {vpn:x} returned VM_FAULT_RETRY {retries} times"));
                    return AccessOutcome.Livelock;
                }
                cpu.Spin();
                continue;
            }
            await cpu.UnlockWake(mm.MmapLock).ConfigureAwait(false); // mmap_read_unlock: a woken munmap may run before the access is retried
            cpu.End("fault", fault.ToString());
            return Outcome(cpu, vmf, fault);
        }
    }

    /// <summary>
    /// The done: label of do_user_addr_fault(): no VM_FAULT_ERROR bit returns to user space (the access is
    /// retried); VM_FAULT_OOM runs pagefault_out_of_memory() and also retries; else mm_fault_error():
    /// SIGBUS/HWPOISON -&gt; do_sigbus() (BUS_ADRERR, or BUS_MCEERR_AR), SIGSEGV -&gt; bad_area_nosemaphore() (SEGV_MAPERR).
    /// </summary>
    private static AccessOutcome Outcome(CpuActor cpu, Vmf vmf, VmFault f)
    {
        if ((f & VmFault.Error) == 0 || (f & VmFault.Oom) != 0) return AccessOutcome.Done;
        var sig = (f & VmFault.HwPoison) != 0 ? AccessOutcome.BusMceErr
            : (f & VmFault.SigBus) != 0 ? AccessOutcome.BusAdrErr
            : AccessOutcome.SegvMapErr;
        Signal(cpu, vmf.Vpn, vmf.Write, sig, vmf.ErrorSource);
        return sig;
    }

    /// <summary>
    /// A signal decision, reported to the unexpected-signal oracle with the kernel code that took it
    /// (<paramref name="source"/>; null: a VM_FAULT error bit that no v7.0 source produced).
    /// </summary>
    public static void Signal(CpuActor cpu, int vpn, bool write, AccessOutcome sig, string? source)
    {
        cpu.K.Emit(new KernelEvent(EventKind.Signal, cpu.ActorId, null, vpn, cpu.Mm, write, source, (int)sig));
        cpu.Event("signal", $"{sig} at {vpn:x}: {source ?? "no source"}");
    }

    /// <summary>
    /// Records which hook (or core function) returned a VM_FAULT error first: the signal's source in reports and for
    /// the unexpected-signal oracle. Allocates only on an error.
    /// </summary>
    public static VmFault NoteError(Vmf vmf, VmFault ret, string hook)
    {
        if ((ret & VmFault.Error) != 0 && vmf.ErrorSource is null)
            vmf.ErrorSource = vmf.Vma.Ops is { } ops ? $"{hook} ({ops.Name})" : hook;
        return ret;
    }

    /// <summary>handle_mm_fault() -> __handle_mm_fault() -> handle_pte_fault() (PTE level only: no THP).</summary>
    public static ValueTask<VmFault> HandleMmFault(KernelActor cur, Vmf vmf) => HandlePteFault(cur, vmf);

    /// <summary>The fault path dereferences vmf->vma: an oracle checks that the VMA is still alive.</summary>
    public static void VmaUse(KernelActor cur, Vma vma) =>
        cur.K.Emit(new KernelEvent(EventKind.VmaUse, cur.ActorId, null, -1, vma));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<VmFault> HandlePteFault(KernelActor cur, Vmf vmf)
    {
        var k = cur.K;
        var mm = vmf.Mm;
        VmaUse(cur, vmf.Vma);
        // ptep_get_lockless(): a snapshot without the PTL.
        vmf.OrigPte = mm.GetPte(vmf.Vpn);
        if (vmf.OrigPte.IsNone)
        {
            vmf.OrigPteValid = false;
            return await DoPteMissing(cur, vmf).ConfigureAwait(false);
        }
        vmf.OrigPteValid = true;
        // spin_lock(vmf->ptl); re-check pte_same(): someone may have changed the PTE meanwhile.
        await cur.PteLock(mm, vmf.Vpn);
        if (!k.Knobs.FaultSkipPteRecheck && !Pte.Same(mm.GetPte(vmf.Vpn), vmf.OrigPte))
        {
            cur.PteUnlock(mm, vmf.Vpn); // update_mmu_tlb: no-op on x86; the CPU retries the access
            return VmFault.None;
        }
        var entry = vmf.OrigPte;
        if (vmf.Write)
        {
            if (!entry.Write) return await WpFault.DoWpPage(cur, vmf).ConfigureAwait(false); // PTL held
            entry.Dirty = true;
        }
        entry.Young = true;
        // ptep_set_access_flags(); unchanged means a spurious fault (x86: nothing to flush).
        if (!Pte.Same(entry, mm.GetPte(vmf.Vpn)))
        {
            OrigPteChecker.BeforeSet(cur, vmf, "handle_pte_fault");
            mm.SetPte(vmf.Vpn, entry, cur.ActorId);
        }
        cur.PteUnlock(mm, vmf.Vpn);
        return VmFault.None;
    }

    /// <summary>do_pte_missing(): anonymous VMAs get do_anonymous_page, file VMAs do_fault.</summary>
    public static ValueTask<VmFault> DoPteMissing(KernelActor cur, Vmf vmf) =>
        vmf.Vma.IsAnonymous ? AnonFault.DoAnonymousPage(cur, vmf) : FileFault.DoFault(cur, vmf);

    /// <summary>
    /// vmf_can_call_fault(): without -&gt;map_pages, a fault holding only the VMA lock drops it and retries
    /// under mmap_lock before calling the driver.
    /// </summary>
    public static VmFault VmfCanCallFault(KernelActor cur, Vmf vmf)
    {
        if ((vmf.Vma.Ops?.HasMapPages ?? false) || !vmf.VmaLock) return VmFault.None;
        if (vmf.VmaRefHeld) cur.VmaEndRead(vmf.Vma);
        vmf.VmaRefHeld = false;
        return VmFault.Retry;
    }
}

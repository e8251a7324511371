using StressVm.Runtime;

namespace StressVm.Kernel;

/// <summary>
/// The per-VMA locks of mm/mmap_lock.c (v7.0 refcount design), owned by one actor per system: readers
/// raise vm_refcnt unless the VMA is detached or write-locked (vm_lock_seq == mm_lock_seq) or a writer
/// excludes readers; vma_start_write sets the exclude flag and waits until the readers have drained.
/// </summary>
public sealed class VmaLockActor : Actor
{
    public VmaLockActor()
    {
        Receive<VmaLockRequest>(OnRequest);
    }

    private void OnRequest(VmaLockRequest req)
    {
        var vma = req.Vma;
        var sender = Sender;
        // The VMA lock lives in the VMA (vm_refcnt, vm_lock_seq) and in the mm (mm_lock_seq), which kernel code
        // changes directly (vma_end_read, detach, mmap_write_unlock): kernel memory, not a lock of its own.
        if (IsRecordingFootprint) Touch(KernelFootprint.Memory);
        if (!req.Write)
        {
            // vma_start_read() (mm/mmap_lock.c): write-locked (vm_lock_seq == mm_lock_seq) -> NULL, checked first;
            // then the refcount: 0 (detached) -> -EAGAIN, readers excluded -> NULL.
            if (vma.LockSeq == vma.Mm.MmLockSeq) sender.Tell(VmaLockReply.Busy, Self);
            else if (vma.Detached) sender.Tell(VmaLockReply.Detached, Self);
            else if (vma.ExcludeReaders) sender.Tell(VmaLockReply.Busy, Self);
            else
            {
                vma.Readers++;
                sender.Tell(VmaLockReply.Locked, Self);
            }
            return;
        }
        // vma_start_write() -> __vma_start_write(): exclude readers, wait for them, store vm_lock_seq.
        if (vma.LockSeq == vma.Mm.MmLockSeq)
        {
            sender.Tell(VmaLockReply.Locked, Self);
            return;
        }
        vma.ExcludeReaders = true;
        if (vma.Readers == 0)
        {
            vma.ExcludeReaders = false;
            vma.LockSeq = vma.Mm.MmLockSeq;
            sender.Tell(VmaLockReply.Locked, Self);
        }
        else
        {
            vma.WriterWaiting = sender;
            vma.WriterWaitingId = sender.Id;
        }
    }

    /// <summary>vma_end_read() -> vma_refcount_put(): the last reader wakes a waiting writer.</summary>
    public void EndRead(Vma vma)
    {
        if (vma.Readers <= 0) throw new InvalidOperationException($"vma_end_read on {vma.Name} without a reader");
        vma.Readers--;
        if (vma.Readers == 0 && vma.WriterWaitingId >= 0)
        {
            var w = vma.WriterWaiting;
            vma.WriterWaiting = default;
            vma.WriterWaitingId = -1;
            vma.ExcludeReaders = false;
            vma.LockSeq = vma.Mm.MmLockSeq;
            w.Tell(VmaLockReply.Locked, Self);
        }
    }

    protected override bool TryReset() => true;
}

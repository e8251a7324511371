namespace StressVm.Kernel;

/// <summary>Spinlock (PTL), sleeping mutex (page lock) or rw_semaphore (mmap_lock, i_mmap_rwsem).</summary>
public enum LockKind : byte { Spin, Mutex, RwSem }

/// <summary>What a lock request asks for.</summary>
public enum LockMode : byte { Read, Write, TryRead, TryWrite }

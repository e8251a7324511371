namespace StressVm.Kernel;

/// <summary>What a physical frame is: a refcounted folio, a kernel allocation, the shared zero page or device memory.</summary>
public enum FrameKind : byte { Normal, Kernel, Zero, Device }

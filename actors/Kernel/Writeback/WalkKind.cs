namespace StressVm.Kernel;

/// <summary>Which rmap walk a writeback actor uses to write-protect a page before copying it.</summary>
public enum WalkKind : byte { FolioMkclean, MappingWrprotectRange, PfnMkcleanRange }

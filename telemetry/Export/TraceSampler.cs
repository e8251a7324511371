namespace StressVm.Telemetry;

/// <summary>Which runs are exported: every failing one, and a share of passing ones chosen by seed (deterministic).</summary>
public static class TraceSampler
{
    public static bool ShouldExport(ulong seed, bool failing, double share)
    {
        if (failing || share >= 1.0) return true;
        if (!(share > 0.0)) return false;
        ulong h = StableHash.Avalanche(StableHash.Mix(0x5A4D_504C_4552UL, seed)); // "SAMPLER"
        double u = (h >> 11) * (1.0 / (1UL << 53));
        return u < share;
    }

    public static bool ShouldExport(RunResult result, double share) => ShouldExport(result.Seed, result.Outcome != Outcome.Completed, share);
}

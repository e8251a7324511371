using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>A fact that needs gcc (static glibc) on the host: skipped with the reason when it is missing.</summary>
public sealed class NeedsGccFactAttribute : FactAttribute
{
    public NeedsGccFactAttribute()
    {
        if (!StressVm.Conform.HostTools.OnPath("gcc") || !File.Exists("/usr/lib/x86_64-linux-gnu/libc.a"))
            Skip = "gcc with static glibc (libc6-dev) is not installed; stressvm conform installs it";
    }
}

/// <summary>
/// A fact that boots the guest (QEMU TCG, about a minute): only with STRESSVM_CONFORM_GUEST=1, since .ci/run
/// runs `stressvm conform ci` in its own block and the machine is shared.
/// </summary>
public sealed class NeedsGuestFactAttribute : FactAttribute
{
    public NeedsGuestFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("STRESSVM_CONFORM_GUEST") != "1")
            Skip = "boots a QEMU guest: set STRESSVM_CONFORM_GUEST=1 (.ci/run runs `stressvm conform ci` separately)";
    }
}

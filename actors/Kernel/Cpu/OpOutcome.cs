namespace StressVm.Kernel;

/// <summary>What a user program saw from one instruction (see <see cref="OpOutcome"/> for the text forms).</summary>
public enum OutcomeKind : byte
{
    /// <summary>The instruction never ran (the run ended first).</summary>
    NotRun,
    /// <summary>A load returned a value.</summary>
    Loaded,
    /// <summary>A store completed.</summary>
    Stored,
    /// <summary>SIGSEGV, SEGV_MAPERR: no VMA at the address (bad_area_nosemaphore, or VM_FAULT_SIGSEGV).</summary>
    SegvMapErr,
    /// <summary>SIGSEGV, SEGV_ACCERR: the VMA forbids the access (access_error -&gt; bad_area_access_error).</summary>
    SegvAccErr,
    /// <summary>SIGBUS, BUS_ADRERR: the fault handler returned VM_FAULT_SIGBUS (mm_fault_error -&gt; do_sigbus).</summary>
    BusAdrErr,
    /// <summary>SIGBUS, BUS_MCEERR_AR: VM_FAULT_HWPOISON (do_sigbus -&gt; force_sig_mceerr).</summary>
    BusMceErr,
    /// <summary>A syscall returned (0 or -errno).</summary>
    Returned,
    /// <summary>The access faulted without end (the run stops with a livelock).</summary>
    Livelock,
}

/// <summary>
/// One instruction's user-visible outcome, as the later <c>conform</c> command compares it with a real kernel's.
/// Text forms (stable; scenarios/README.md): <c>-</c> (not run), <c>value=0</c> / <c>value=cpu0.1</c> /
/// <c>value=kernel</c> (a load: the initial zero, the store instruction whose value it read, or a value the
/// kernel wrote: write(2), a perf record), <c>stored</c>, <c>sigsegv:maperr</c>, <c>sigsegv:accerr</c>,
/// <c>sigbus:adrerr</c>, <c>sigbus:mceerr_ar</c>, <c>ret=0</c> / <c>ret=-EINVAL</c> / <c>ret=-ENOMEM</c>, <c>livelock</c>.
/// </summary>
public readonly record struct OpOutcome(OutcomeKind Kind, string? Value = null, int Errno = 0)
{
    public static readonly OpOutcome NotRun = default;

    public bool IsSignal => Kind is OutcomeKind.SegvMapErr or OutcomeKind.SegvAccErr or OutcomeKind.BusAdrErr or OutcomeKind.BusMceErr;

    public override string ToString() => Kind switch
    {
        OutcomeKind.NotRun => "-",
        OutcomeKind.Loaded => "value=" + Value,
        OutcomeKind.Stored => "stored",
        OutcomeKind.SegvMapErr => "sigsegv:maperr",
        OutcomeKind.SegvAccErr => "sigsegv:accerr",
        OutcomeKind.BusAdrErr => "sigbus:adrerr",
        OutcomeKind.BusMceErr => "sigbus:mceerr_ar",
        OutcomeKind.Returned => Errno == 0 ? "ret=0" : "ret=-" + Errnos.Name(Errno),
        _ => "livelock",
    };

    /// <summary>
    /// Whether this outcome matches a pattern of a scenario's <c>outcomes</c>/<c>forbid</c>/<c>exists</c> clause:
    /// a text form exactly, or a class: <c>sigsegv</c>, <c>sigbus</c> (any si_code), <c>signal</c> (any signal),
    /// <c>ok</c> (ran and raised no signal), <c>value</c> (any load), <c>ret</c> (any return).
    /// </summary>
    public bool Matches(string pattern) => pattern switch
    {
        "sigsegv" => Kind is OutcomeKind.SegvMapErr or OutcomeKind.SegvAccErr,
        "sigbus" => Kind is OutcomeKind.BusAdrErr or OutcomeKind.BusMceErr,
        "signal" => IsSignal,
        "ok" => Kind is OutcomeKind.Loaded or OutcomeKind.Stored or OutcomeKind.Returned,
        "value" => Kind == OutcomeKind.Loaded,
        "ret" => Kind == OutcomeKind.Returned,
        _ => ToString() == pattern,
    };

    /// <summary>The classes and fixed forms <see cref="Matches"/> accepts (value=... and ret=... take an argument).</summary>
    public static readonly IReadOnlyList<string> Patterns =
        ["-", "stored", "sigsegv", "sigsegv:maperr", "sigsegv:accerr", "sigbus", "sigbus:adrerr", "sigbus:mceerr_ar", "signal", "ok", "value", "ret", "livelock"];

    /// <summary>True when <paramref name="pattern"/> is something <see cref="Matches"/> can match.</summary>
    public static bool IsPattern(string pattern) =>
        Patterns.Contains(pattern)
        || (pattern.StartsWith("value=", StringComparison.Ordinal) && pattern.Length > 6)
        || (pattern.StartsWith("ret=", StringComparison.Ordinal) && (pattern == "ret=0" || (pattern.StartsWith("ret=-", StringComparison.Ordinal) && Errnos.Number(pattern[5..]) > 0)));
}

/// <summary>The errno values syscalls in the model return (include/uapi/asm-generic/errno-base.h).</summary>
public static class Errnos
{
    public const int EBADF = 9, ENOMEM = 12, EINVAL = 22;

    public static string Name(int errno) => errno switch { EBADF => "EBADF", ENOMEM => "ENOMEM", EINVAL => "EINVAL", _ => errno.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static int Number(string name) => name switch { "EBADF" => EBADF, "ENOMEM" => ENOMEM, "EINVAL" => EINVAL, _ => 0 };
}

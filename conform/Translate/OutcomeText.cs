using StressVm.Kernel;

namespace StressVm.Conform;

/// <summary>
/// The outcome vocabulary both sides speak, one short string per operation: the model's own
/// (<see cref="OpOutcome"/>, issue 11; scenarios/README.md) with labels as the C program prints them.
/// <c>stored</c>; <c>value=0</c> / <c>value=cpu1.2</c> (a load saw zero, or the value store 2 of cpu1 left) /
/// <c>value=kernel</c> (data write(2) copied in) / <c>value=other</c> (the C program only: none of these);
/// <c>value</c> (a load whose value is not compared: perf and fb pages hold the device's data);
/// <c>sigsegv:maperr</c> / <c>sigsegv:accerr</c> / <c>sigbus:adrerr</c> / <c>sigbus:mceerr_ar</c> (signal and
/// si_code; the C program adds <c> addr=0x...</c> only when si_addr is not the accessed address, and prints
/// codes the model has no name for as <c>sigbus:objerr</c>, <c>sigsegv:code=N</c>, ...); <c>ret=0</c> /
/// <c>ret=-ENOMEM</c> (a syscall's return; a write(2) that copied every byte is <c>ret=0</c>, a short one
/// <c>ret=short</c>). Both sides give every detail, so a kernel outcome is allowed only when it is the
/// model's exactly.
/// </summary>
public static class OutcomeText
{
    /// <summary>A load whose value is not compared (perf, fb pages).</summary>
    public const string AnyValue = "value";

    /// <summary>The text of a model outcome, <paramref name="label"/> renaming a value's store instruction to the C program's label.</summary>
    public static string Of(OpOutcome o, bool valued, Func<string, string> label) => o.Kind switch
    {
        OutcomeKind.Loaded when !valued => AnyValue,
        OutcomeKind.Loaded when o.Value is not ("0" or "kernel" or null) => "value=" + label(o.Value),
        _ => o.ToString(),
    };

    /// <summary>True when the model outcome <paramref name="model"/> allows the kernel outcome <paramref name="kernel"/>.</summary>
    public static bool Allows(string model, string kernel) => string.Equals(model, kernel, StringComparison.Ordinal);

    /// <summary>Every operation's outcome allowed: a vector the model allows.</summary>
    public static bool Allows(IReadOnlyList<string> model, IReadOnlyList<string> kernel)
    {
        if (model.Count != kernel.Count) return false;
        for (int i = 0; i < model.Count; i++) if (!Allows(model[i], kernel[i])) return false;
        return true;
    }

    /// <summary>How many operations differ (the distance to the nearest model outcome).</summary>
    public static int Distance(IReadOnlyList<string> model, IReadOnlyList<string> kernel)
    {
        int d = Math.Abs(model.Count - kernel.Count);
        for (int i = 0; i < Math.Min(model.Count, kernel.Count); i++) if (!Allows(model[i], kernel[i])) d++;
        return d;
    }
}

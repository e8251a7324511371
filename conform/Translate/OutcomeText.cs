namespace StressVm.Conform;

/// <summary>
/// The outcome vocabulary both sides speak, one short string per operation:
/// <c>ok</c> (a store done, a load whose value is not compared), <c>ok val=0</c> / <c>ok val=cpu1.2</c>
/// (a load saw zero, or the value operation 2 of cpu1 stored) / <c>ok val=other</c> (someone else's data),
/// <c>SIGSEGV SEGV_ACCERR</c> / <c>SIGBUS BUS_ADRERR</c> (signal and si_code; the C program checks si_addr
/// and adds <c>addr=0x...</c> only when it is not the accessed address), <c>ret=0</c> / <c>ret=-ENOMEM</c>
/// (a syscall's return). The model may leave a detail open: <c>SIGSEGV</c> without a code allows any code,
/// <c>ret=?</c> any return (until the model records them: issue 11's outcomes).
/// </summary>
public static class OutcomeText
{
    public const string Ok = "ok";
    public const string AnyReturn = "ret=?";

    /// <summary>The value a store of operation <paramref name="op"/> on <paramref name="cpu"/> leaves, as a load reports it.</summary>
    public static string Value(int cpu, int op) => $"ok val=cpu{cpu}.{op}";

    /// <summary>True when the model outcome <paramref name="model"/> allows the kernel outcome <paramref name="kernel"/>.</summary>
    public static bool Allows(string model, string kernel)
    {
        if (model == kernel) return true;
        if (model == AnyReturn) return kernel.StartsWith("ret=", StringComparison.Ordinal);
        // A signal without si_code in the model: any si_code of that signal (the address must still be exact).
        if (model is "SIGSEGV" or "SIGBUS")
            return kernel.StartsWith(model + " ", StringComparison.Ordinal) && !kernel.Contains(" addr=", StringComparison.Ordinal);
        return false;
    }

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

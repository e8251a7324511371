using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Kernel;

/// <summary>
/// User-visible outcomes (what each instruction's program saw), the unexpected-signal and outside-vma oracles,
/// and the scenario clauses over outcome vectors.
/// </summary>
public class OutcomeTests
{
    private const string Vmas = """
        files = [ { name = f0, pages = 1 } ]
        vmas = [
          { name = anon, start = 0x10, pages = 2 }
          { name = ro, start = 0x30, prot = ro }
          { name = dev, start = 0x40, shared = true, driver = pfnmap }
        ]

        """;

    private static (KernelModel Model, RunResult Result) RunOne(string text, ulong seed = 0, string strategy = "random")
    {
        var spec = ScenarioLoader.Parse(text, "unit.conf");
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var model = ScenarioRunner.BuildModel(spec, s);
        var r = Explorer.RunOne(model, ScenarioRunner.Strategy(model, s), seed);
        return (model, r);
    }

    [Fact]
    public void EveryInstructionRecordsWhatTheProgramSaw()
    {
        var (m, r) = RunOne(Vmas + """
            cpus = [ { name = cpu0, program = ["store anon", "load anon", "load anon+1", "store ro", "munmap anon+1:1",
                                              "load anon+1", "madvise-dontneed anon:2", "msync anon", "mprotect-rw ro"] } ]
            """);
        Assert.Equal(Outcome.Completed, r.Outcome);
        Assert.Equal(
            "cpu0.0=stored cpu0.1=value=cpu0.0 cpu0.2=value=0 cpu0.3=sigsegv:accerr cpu0.4=ret=0 " +
            "cpu0.5=sigsegv:maperr cpu0.6=ret=-ENOMEM cpu0.7=ret=-ENOMEM cpu0.8=ret=0",
            m.OutcomeVectorText);
        Assert.Equal(2, m.Cpus[0].Signals);
    }

    [Fact]
    public void AVmPfnmapHoleIsSigbusFromDoFault()
    {
        // pfnmap populates at mmap; after MADV_DONTNEED (refused: -EINVAL on VM_PFNMAP) the page is still mapped.
        var (m, r) = RunOne(Vmas + """cpus = [ { name = cpu0, program = ["madvise-dontneed dev", "load dev"] } ]""");
        Assert.Equal(Outcome.Completed, r.Outcome);
        Assert.StartsWith("cpu0.0=ret=-EINVAL cpu0.1=value=", m.OutcomeVectorText);
    }

    [Fact]
    public void OutcomesAppearInTheTrace()
    {
        var spec = ScenarioLoader.Parse(Vmas + """cpus = [ { name = cpu0, program = ["store ro"] } ]""", "unit.conf");
        var model = ScenarioRunner.BuildModel(spec, new RunSettings(), recordTrace: true);
        Explorer.RunOne(model, new RandomStrategy(), 0);
        var marks = model.System.Trace.Marks.ToArray();
        Assert.Contains(marks, mk => mk.Name == "outcome" && mk.Detail == "cpu0.0 sigsegv:accerr");
        Assert.Contains(marks, mk => mk.Name == "signal" && mk.Detail!.Contains("access_error"));
    }

    [Fact]
    public void TheSignalOracleChecksTheRuleThatGivesEachSignal()
    {
        var k = new KernelState(KernelKnobs.Upstream);
        var mm = new MmStruct(k, "mm", 1);
        var vma = new Vma { Name = "v", Mm = mm, Start = 0x10, End = 0x11, Flags = VmFlags.Read };
        mm.InsertVma(vma);
        KernelEvent Sig(int vpn, bool write, AccessOutcome s, string? src) => new(EventKind.Signal, 0, null, vpn, mm, write, src, (int)s);
        // The kernel's rules: no VMA -> MAPERR; a store to a VMA without VM_WRITE -> ACCERR; SIGBUS from a source.
        Assert.Null(SignalChecker.Check(Sig(0x20, false, AccessOutcome.SegvMapErr, "lock_mm_and_find_vma: no VMA")));
        Assert.Null(SignalChecker.Check(Sig(0x10, true, AccessOutcome.SegvAccErr, "access_error")));
        Assert.Null(SignalChecker.Check(Sig(0x10, false, AccessOutcome.BusAdrErr, "->fault (x)")));
        // And what no rule gives.
        Assert.Contains("covers it", SignalChecker.Check(Sig(0x10, false, AccessOutcome.SegvMapErr, "lock_mm_and_find_vma: no VMA")));
        Assert.Contains("permits it", SignalChecker.Check(Sig(0x10, false, AccessOutcome.SegvAccErr, "access_error")));
        Assert.Contains("no VMA covers", SignalChecker.Check(Sig(0x20, true, AccessOutcome.SegvAccErr, "access_error")));
        Assert.Contains("no v7.0 source", SignalChecker.Check(Sig(0x10, false, AccessOutcome.BusAdrErr, null)));
    }

    [Fact]
    public void TheOutsideVmaOracleCatchesAPteAndAnAccessLeftAfterMunmap()
    {
        var k = new KernelState(KernelKnobs.Upstream);
        var mm = new MmStruct(k, "mm", 1);
        k.Mms.Add(mm);
        k.ResetMemory();
        var checker = new OutsideVmaChecker(k);
        var frame = k.AllocFrame(FrameKind.Normal);
        frame.Refcount = 1;
        mm.SetPte(0x11, new Pte { Present = true, Pfn = frame.Pfn, Write = true }, 0); // a PTE no VMA covers
        var zap = new ZapRecord();
        zap.Begin(k, mm, 0x10, 0x12, "munmap");
        Assert.Contains("remains outside every VMA", checker.CheckZapDone(zap, munmap: true));
        var access = new KernelEvent(EventKind.Access, 0, frame, 0x11, mm, true);
        Assert.Contains("after munmap of 11 returned", checker.CheckAccess(access));
        checker.Reset();
        Assert.Null(checker.CheckAccess(access)); // before any munmap returned, a page without VMA may still be in use
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    public void APartialMunmapUnderAFaultLeavesNothingOutsideTheVma(string strategy)
    {
        var spec = ScenarioCatalog.LoadBuiltin("munmap-split-vs-fault");
        var s = new RunSettings { Strategy = StrategySpec.Parse(strategy) };
        var model = ScenarioRunner.BuildModel(spec, s);
        var sum = Explorer.Explore(model, ScenarioRunner.Strategy(model, s), 0, 3000);
        Assert.Equal(0, sum.InternalErrors);
        Assert.False(sum.FoundBug, string.Join("; ", sum.Findings.Select(f => f.Example)));
        // Both orders of the store and the munmap are reached (the exists clause's counters).
        Assert.True(sum.Counters.Where(c => c.Key.StartsWith("exists", StringComparison.Ordinal)).All(c => c.Value > 0),
            string.Join(", ", sum.Counters.Select(c => $"{c.Key}={c.Value}")));
    }

    [Fact]
    public void AWrongOutcomesClauseIsAnUnexpectedOutcome()
    {
        var (_, r) = RunOne(Vmas + """
            cpus = [ { name = cpu0, program = ["store ro", "load anon"] } ]
            outcomes { "cpu0.0" = stored }
            """);
        Assert.Equal(Outcome.Violation, r.Outcome);
        Assert.Equal(Invariants.UnexpectedOutcome, r.Violation!.Invariant);
        Assert.Contains("cpu0.0 saw sigsegv:accerr", r.Violation.Detail);
        var (_, ok) = RunOne(Vmas + """
            cpus = [ { name = cpu0, program = ["store ro", "load anon"] } ]
            outcomes { "cpu0.0" = sigsegv, cpu0.1 = "value=0" }
            """);
        Assert.Equal(Outcome.Completed, ok.Outcome);
        var (_, forbidden) = RunOne(Vmas + """
            cpus = [ { name = cpu0, program = ["store ro", "load anon"] } ]
            forbid = [ { "cpu0.0" = "sigsegv:accerr", "cpu0.1" = ok } ]
            """);
        Assert.Equal(Invariants.UnexpectedOutcome, forbidden.Violation?.Invariant);
    }

    [Theory]
    [InlineData("""outcomes { "cpu9.0" = stored }""", "names no instruction")]
    [InlineData("""outcomes { "cpu0.5" = stored }""", "cpu0.0 to cpu0.1")]
    [InlineData("""outcomes { "cpu0.0" = crashed }""", "unknown outcome 'crashed'")]
    [InlineData("""outcomes { "cpu0.1" = "value=cpu0.1" }""", "not a store instruction")]
    [InlineData("""outcomes { "cpu0.1" = "ret=-EFOO" }""", "unknown outcome")]
    [InlineData("""forbid = { "cpu0.0" = stored }""", "must be an array")]
    [InlineData("""mailbox-order = fifo""", "per-actor or per-sender")]
    public void TheLoaderRejectsBadOutcomeClauses(string clause, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(
            Vmas + "\ncpus = [ { name = cpu0, program = [\"store anon\", \"load anon\"] } ]\n" + clause, "bad.conf"));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AScenarioPinsItsMailboxOrder()
    {
        var spec = ScenarioLoader.Parse(Vmas + "cpus = [ { program = [\"store anon\"] } ]\nmailbox-order = per-sender", "unit.conf");
        Assert.Equal(MailboxOrder.PerSender, spec.MailboxOrder);
        var model = ScenarioRunner.BuildModel(spec, new RunSettings());
        Assert.Equal(MailboxOrder.PerSender, model.System.MailboxOrder);
    }
}

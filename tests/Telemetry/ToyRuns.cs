using StressVm.Runtime;
using StressVm.Telemetry;

namespace StressVm.Tests.Telemetry;

/// <summary>
/// A toy system on the runtime (the kernel model is not needed): two CPUs each fault on one address; the fault
/// opens a "fault" span and inside it a "page_mkwrite" span, asks mm to handle it, and traces point events.
/// mm opens a "handle_fault" span per request and, when <c>buggy</c>, reports a "lost-write" violation on the
/// second fault while its span is open.
/// </summary>
public static class ToyRuns
{
    public const string Scenario = "toy-lost-write";

    public sealed record Start;
    public sealed record Fault(int Addr);
    public sealed record Done(int Addr);

    public sealed class Mm : Actor
    {
        private int _faults;

        public Mm(bool buggy)
        {
            Receive<Fault>(f =>
            {
                BeginSpan("handle_fault", $"addr={f.Addr:x}");
                TraceEvent("pte_change", $"addr={f.Addr:x} write=1");
                if (++_faults == 2 && buggy) ReportViolation("lost-write", $"store to {f.Addr:x} not written back");
                EndSpan("handle_fault");
                Sender.Tell(new Done(f.Addr));
            });
        }
    }

    public sealed class Cpu : Actor
    {
        public Cpu(ActorRef mm, int addr)
        {
            Receive<Start>(_ => Self.Tell(new Fault(addr)));
            ReceiveAsync<Fault>(async f =>
            {
                BeginSpan("fault", $"addr={f.Addr:x}");
                BeginSpan("page_mkwrite");
                var done = await Ask<Done>(mm, f);
                TraceEvent("tlb_fill", $"addr={done.Addr:x}");
                EndSpan("page_mkwrite");
                EndSpan("fault");
            });
        }
    }

    /// <summary>A fresh system: mm (id 0), cpu0 (id 1), cpu1 (id 2).</summary>
    public static ActorSystem NewSystem(bool buggy = true)
    {
        var sys = new ActorSystem();
        var mm = sys.ActorOf(Props.Create(() => new Mm(buggy)), "mm");
        sys.ActorOf(Props.Create(() => new Cpu(mm, 0x1000)), "cpu0");
        sys.ActorOf(Props.Create(() => new Cpu(mm, 0x2000)), "cpu1");
        return sys;
    }

    public static string ReplayCommand(ulong seed) => $"stressvm replay {Scenario} --seed {seed}";

    /// <summary>Sends each CPU its Start (from outside: a self-Tell in PreStart does not enable the actor in this runtime).</summary>
    public static void StartCpus(ActorSystem sys)
    {
        sys.Find("cpu0")!.Value.Tell(new Start());
        sys.Find("cpu1")?.Tell(new Start());
    }

    /// <summary>Runs seed <paramref name="seed"/> with the random strategy, then replays its recorded schedule; returns the replay.</summary>
    public static (ActorSystem System, RunResult Result) ReplayedRun(ulong seed, bool buggy = true)
    {
        var sys = NewSystem(buggy);
        var first = sys.Run(new RandomStrategy(), seed, StartCpus);
        var schedule = sys.RecordedSchedule();
        var replay = sys.Run(new ReplayStrategy(schedule), seed, StartCpus);
        if (replay.Fingerprint != first.Fingerprint) throw new InvalidOperationException("replay diverged");
        return (sys, replay);
    }

    public static RunTrace Build(ulong seed, bool buggy = true, RunTraceOptions? options = null)
    {
        var (sys, r) = ReplayedRun(seed, buggy);
        return new RunTraceBuilder(options).Build(Scenario, seed, "random", r, sys.Trace, ReplayCommand(seed));
    }
}

using System.Diagnostics;
using StressVm.Runtime;
using StressVm.Runtime.Samples;

namespace StressVm.Cli.Bench;

/// <summary>Throughput of one measured workload: steps per second and bytes allocated per step.</summary>
public sealed record Throughput(double StepsPerSecond, double BytesPerStep, long Steps, double Seconds);

/// <summary>Schedules per second of a small scenario run seed after seed on one reused system.</summary>
public sealed record ScheduleThroughput(double SchedulesPerSecond, double StepsPerSchedule, long Schedules, double BytesPerSchedule);

public sealed record RuntimeBenchResult(Throughput Tell, Throughput Ask, ScheduleThroughput Schedules);

/// <summary>
/// Single-thread speed of the bare runtime with trace recording on: Tell ping-pong, Ask/await ping-pong,
/// and schedules of a ~100-step toy (the lost-update counter, reset between schedules).
/// </summary>
public static class RuntimeBench
{
    public static RuntimeBenchResult Run(double secondsPerCase = 1.0)
    {
        return new RuntimeBenchResult(
            MeasureSteps(BuildTell, secondsPerCase),
            MeasureSteps(BuildAsk, secondsPerCase),
            MeasureSchedules(secondsPerCase));
    }

    private const int RoundsPerRun = 50_000;

    private static ActorSystem BuildTell()
    {
        var sys = new ActorSystem(maxSteps: int.MaxValue, recordTrace: true);
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        sys.ActorOf(Props.Create(() => new TellPinger(ponger, RoundsPerRun)), "pinger");
        return sys;
    }

    private static ActorSystem BuildAsk()
    {
        var sys = new ActorSystem(maxSteps: int.MaxValue, recordTrace: true);
        var ponger = sys.ActorOf(Props.Create(() => new Ponger()), "ponger");
        sys.ActorOf(Props.Create(() => new AskPinger(ponger, RoundsPerRun)), "asker");
        return sys;
    }

    private static Throughput MeasureSteps(Func<ActorSystem> build, double seconds)
    {
        var sys = build();
        var strategy = new RandomStrategy();
        for (ulong s = 0; s < 5; s++) Check(sys.Run(strategy, s)); // warm-up: JIT tiers, trace arrays grown
        long steps = 0;
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        ulong seed = 100;
        while (sw.Elapsed.TotalSeconds < seconds) steps += Check(sys.Run(strategy, seed++)).Steps;
        sw.Stop();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        return new Throughput(steps / sw.Elapsed.TotalSeconds, (double)bytes / steps, steps, sw.Elapsed.TotalSeconds);
    }

    private static ScheduleThroughput MeasureSchedules(double seconds)
    {
        // 2 clients x 16 read-modify-write increments: 98 steps a schedule.
        var sys = LostUpdateToy.Build(clients: 2, increments: 16);
        var strategy = new RandomStrategy();
        for (ulong s = 0; s < 2000; s++) sys.Run(strategy, s);
        long schedules = 0, steps = 0;
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        ulong seed = 10_000;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1000; i++)
            {
                var r = sys.Run(strategy, seed++);
                if (r.Outcome == Outcome.InternalError) throw new InvalidOperationException(r.Error);
                steps += r.Steps;
            }
            schedules += 1000;
        }
        sw.Stop();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        return new ScheduleThroughput(schedules / sw.Elapsed.TotalSeconds, (double)steps / schedules, schedules, (double)bytes / schedules);
    }

    private static RunResult Check(RunResult r) =>
        r.Outcome == Outcome.Completed ? r : throw new InvalidOperationException($"benchmark run did not complete: {r}");
}

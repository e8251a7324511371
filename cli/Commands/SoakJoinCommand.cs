using StressVm.Cli.Common;
using System.CommandLine;
using StressVm.Campaign.Cluster;
using StressVm.Campaign.Protocol;
using StressVm.Scenarios.Soak;

namespace StressVm.Cli.Commands;

/// <summary>
/// `stressvm soak join HOST:PORT [--workers N] [--bind HOST[:PORT]]`: a worker node of a campaign across machines. It
/// takes the seed space, scenarios and settings from the coordinator, pulls chunks until the session ends, and
/// joins again when the coordinator comes back after a restart.
/// </summary>
internal static class SoakJoinCommand
{
    public static Command Create()
    {
        var at = new Argument<string>("coordinator") { Description = "HOST:PORT of the coordinator node ('stressvm soak --listen HOST:PORT')." };
        var workers = new Option<int?>("--workers") { Description = "Worker threads on this node (default: one per core)." }.AtLeast(1);
        var bind = new Option<string?>("--bind") { Description = "HOST[:PORT] this node listens on for the cluster (default 127.0.0.1, any free port)." };
        var cmd = new Command("join", "Run a worker node of a soak campaign: pull chunks from the coordinator at HOST:PORT until its session ends.\n" +
            "Exit codes: 0 = the session ended, 2 = bad usage, or the coordinator refused this node (another campaign or StressVm version).")
        {
            at, workers, bind,
        };
        cmd.SetAction(parse =>
        {
            Endpoint coordinator, self;
            int n;
            try
            {
                coordinator = Endpoint.Parse(parse.GetValue(at)!, "coordinator address");
                string b = parse.GetValue(bind) ?? "127.0.0.1";
                self = b.Contains(':') ? Endpoint.Parse(b, "--bind") : new Endpoint(b, 0);
                n = parse.GetValue(workers) ?? Environment.ProcessorCount;
                if (n < 1) throw new ArgumentException($"--workers must be at least 1, got {n}");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"stressvm soak join: {e.Message}");
                return CliApp.ExitBadInput;
            }
            using var cts = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                if (cts.IsCancellationRequested) return;
                e.Cancel = true;
                Console.Error.WriteLine("stressvm soak join: stopping: in-flight simulations finish (their chunks go back to the coordinator's queue)");
                cts.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                var host = new WorkerNodeHost(coordinator, self, n, spec => KernelScenarioSource.Create(CampaignIdentity.Settings(spec)),
                    m => Console.Error.WriteLine($"stressvm soak join: {m}"), w => Console.Error.WriteLine($"stressvm soak join: {w}"));
                return host.Run(cts.Token) == 0 ? CliApp.ExitOk : CliApp.ExitBadInput;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return cmd;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using StressVm.Scenarios.Soak;
using StressVm.Tests.Soak;
using Xunit;
using Xunit.Abstractions;

namespace StressVm.Tests.Campaigns;

/// <summary>
/// One campaign across three processes on 127.0.0.1 (`soak --listen` and two `soak join`): a worker node and then the
/// coordinator are killed with SIGKILL mid-campaign, the coordinator is started again on its journal, and every chunk
/// must still be counted exactly once and every failure kept: the result equals a one-process soak of the same chunks.
/// </summary>
public class ClusterCampaignTests(ITestOutputHelper output)
{
    private const string Scenario = "wrprotect-vs-write"; // pins wrprotect-skip-flush: failures in many chunks
    private const int Chunk = 256;
    /// <summary>A guard against a hang (it fails with every node's log), not a speed limit: about a minute on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static long ChunksIn(string dir) =>
        SoakTestKit.Records<ChunkCompleted>(dir).Select(c => (c.Scenario, c.Chunk)).Distinct().LongCount();

    private static void WaitFor(Func<bool> done, Stopwatch clock, string what, IEnumerable<CliNode> nodes)
    {
        while (!done())
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"{what} within {Deadline}:\n" + string.Join("\n", nodes.Select(n => $"--- {n.Name}\n{n.Log}")));
            Thread.Sleep(200);
        }
    }

    private static JsonElement Report(string dir)
    {
        using var report = new CliNode("report", "soak", "report", "--state", dir, "--json");
        Assert.True(report.Process.WaitForExit(60_000));
        report.Process.WaitForExit();
        string log = report.Log;
        return JsonDocument.Parse(log[log.IndexOf('{')..]).RootElement.Clone();
    }

    [Fact]
    [Trait("Category", "Cluster")]
    public void AWorkerNodeAndThenTheCoordinatorKilledMidCampaignLoseNoChunkAndNoFailure()
    {
        string dir = SoakTestKit.NewStateDirectory(), reference = SoakTestKit.NewStateDirectory();
        string at = $"127.0.0.1:{FreePort()}";
        string[] Coordinator(long schedules) =>
            ["soak", "--listen", at, "--workers", "0", "--scenarios", Scenario, "--chunk-size", $"{Chunk}", "--max-schedules", $"{schedules}",
             "--state", dir, "--plain", "--no-minimize", "--progress-interval", "10s"];
        var nodes = new List<CliNode>();
        var clock = Stopwatch.StartNew();
        try
        {
            var coordinator = new CliNode("coordinator", Coordinator(1_000_000_000));
            nodes.Add(coordinator);
            var a = new CliNode("worker-a", "soak", "join", at, "--workers", "1");
            var b = new CliNode("worker-b", "soak", "join", at, "--workers", "1");
            nodes.AddRange([a, b]);
            WaitFor(() => ChunksIn(dir) >= 10 && a.Log.Contains("joined campaign") && b.Log.Contains("joined campaign"), clock,
                "10 chunks, both worker nodes joined", nodes);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {ChunksIn(dir)} chunks; killing worker b");
            b.Kill(); // mid-chunk: its chunk must go back to the queue
            // The coordinator notices (failure detector, then the split brain resolver downs b) and takes b's chunk back.
            WaitFor(() => coordinator.Log.Contains("lost worker node"), clock, "the coordinator to notice worker b's loss", nodes);
            long atWorkerLoss = ChunksIn(dir);
            WaitFor(() => ChunksIn(dir) >= atWorkerLoss + 5, clock, "5 more chunks after worker b's loss", nodes);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {ChunksIn(dir)} chunks; killing the coordinator");
            coordinator.Kill();
            long atCoordinatorKill = ChunksIn(dir);
            var failuresBefore = SoakTestKit.Records<FailureFound>(dir).Select(f => f.Signature).ToHashSet();
            Assert.NotEmpty(failuresBefore);

            // Started again on its journal: a fresh session of 30 chunks; worker a rejoins by itself.
            var again = new CliNode("coordinator-again", Coordinator(30L * Chunk));
            nodes.Add(again);
            WaitFor(() => again.Process.HasExited, clock, "the restarted coordinator's session to end", nodes);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: the restarted coordinator's session ended");
            Assert.True(again.Process.ExitCode == 0, $"exit {again.Process.ExitCode} (0: every failure expected, the planted bug found)\n{again.Log}");
            WaitFor(() => a.Process.HasExited, clock, "worker a to leave after the session", nodes);
            Assert.Equal(0, a.Process.ExitCode);
            Assert.Contains("rejoined campaign", a.Log);

            // Every chunk counted once: the done chunks are 0..D-1, and the schedules are D full chunks.
            var state = SoakState.Load(dir, _ => { });
            long d = state.DoneChunks;
            Assert.True(d >= atCoordinatorKill + 30, $"{d} chunks done, {atCoordinatorKill} before the restart");
            Assert.Equal(d, state.Ledger(Scenario).DoneBelow);
            Assert.Equal(d * Chunk, state.Schedules);
            Assert.Superset(failuresBefore, state.Failures.Select(f => f.Signature).ToHashSet());

            // Every failure kept: a one-process soak of the same D chunks finds the same failures, as often.
            using (var local = new CliNode("reference", "soak", "--scenarios", Scenario, "--chunk-size", $"{Chunk}", "--max-schedules", $"{d * Chunk}",
                "--workers", "1", "--state", reference, "--plain", "--no-minimize"))
                WaitFor(() => local.Process.HasExited, clock, "the one-process reference soak", [local]);
            var cluster = Report(dir);
            var one = Report(reference);
            Assert.Equal(one.GetProperty("schedules").GetInt64(), cluster.GetProperty("schedules").GetInt64());
            Assert.Equal(d, cluster.GetProperty("chunks").GetInt64());
            Assert.True(cluster.GetProperty("duplicateChunks").GetInt64() >= 0);
            static Dictionary<string, long> Counts(JsonElement r) =>
                r.GetProperty("failures").EnumerateArray().ToDictionary(f => f.GetProperty("signature").GetString()!, f => f.GetProperty("count").GetInt64());
            Assert.Equal(Counts(one).OrderBy(k => k.Key), Counts(cluster).OrderBy(k => k.Key));
            output.WriteLine($"{d} chunks, {cluster.GetProperty("duplicateChunks").GetInt64()} duplicate results, {Counts(cluster).Count} signatures, {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            foreach (var n in nodes) n.Dispose();
        }
    }
}

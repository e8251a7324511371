using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using StressVm.Campaign;
using StressVm.Campaign.Protocol;
using Xunit;

namespace StressVm.Tests.Campaigns;

/// <summary>The campaign's messages on the wire: protobuf with short manifests; nothing that names a .NET type is read.</summary>
public class WireTests() : TestKit(CampaignConfig.Local)
{
    [Fact]
    public void CampaignMessagesRoundTripWithShortManifestsAndNoTypeNames()
    {
        var failure = new FailureDiscovered { CampaignId = "c", Scenario = "s", Signature = "0123", Invariant = "lost-write", Seed = 9, Strategy = "pct:2:40", Steps = 33, Detail = "d", Tail = "t" };
        var done = new ChunkDone { CampaignId = "c", Scenario = "s", Chunk = 3, GlobalChunk = 7, FirstSeed = 100, Schedules = 4096, Steps = 99999, InternalErrors = 1 };
        done.Failures.Add(new ChunkFailure { Signature = "0123", Invariant = "lost-write", Count = 5, FirstSeed = 101, FirstStrategy = "random", ShortestSeed = 102, ShortestSteps = 30, ShortestStrategy = "random" });
        var work = new Work { CampaignId = "c", Scenario = "s", Chunk = 3, Seeds = 4096 };
        work.Skip.Add(105);
        var spec = new CampaignSpec { CampaignId = "c", BaseSeed = 1, ChunkSize = 4096, ShardCount = 1, Portfolio = "random,pct:1", MailboxOrder = "PerActor", MaxSteps = 10000 };
        spec.Scenarios.Add("s");
        spec.KnobOverrides["wrprotect-skip-flush"] = false;
        ICampaignMessage[] messages =
        [
            new Hello { CampaignId = "c", StressvmVersion = "0.1.0", ProtocolVersion = 1, Node = "n" }, new Welcome { Spec = spec }, new Refused { Reason = "r" },
            new RequestWork { CampaignId = "c" }, work, new NoWork { Over = true }, done,
            new ChunkAbandoned { CampaignId = "c", Scenario = "s", Chunk = 3, Schedules = 5, Steps = 50 }, failure,
            new InternalErrorSeen { CampaignId = "c", Scenario = "s", Seed = 4, Strategy = "random", Error = "e" },
            new WorkerCrashed { CampaignId = "c", Scenario = "s", Chunk = 3, Seed = 4, Strategy = "random", Error = "e" },
            new MinimizeFailure { Failure = failure }, new FailureMinimized { CampaignId = "c", Failure = failure, Schedule = "# schedule\n1 2 3\n", OriginalSteps = 33, Steps = 12, Verified = true },
            new MinimizationFailed { CampaignId = "c", Scenario = "s", Signature = "0123" }, new StopWork(),
        ];
        foreach (var m in messages)
        {
            var serializer = Assert.IsType<CampaignSerializer>(Sys.Serialization.FindSerializerFor(m));
            string manifest = serializer.Manifest(m);
            Assert.DoesNotContain(".", manifest);
            byte[] bytes = serializer.ToBinary(m);
            Assert.DoesNotContain("StressVm", Encoding.UTF8.GetString(bytes));
            Assert.Equal((object)m, Sys.Serialization.Deserialize(bytes, CampaignSerializer.Id, manifest));
        }
    }

    [Fact]
    public void AMessageNamingADotNetTypeIsRefused()
    {
        // Akka's JSON format names the type to build: the serializer with its id refuses it.
        byte[] json = Encoding.UTF8.GetBytes("{\"$type\":\"System.IO.FileInfo, System.IO.FileSystem\",\"OriginalPath\":\"/etc/passwd\"}");
        Assert.ThrowsAny<Exception>(() => Sys.Serialization.Deserialize(json, 1, "System.IO.FileInfo, System.IO.FileSystem"));
        // A manifest of ours that is a type name is unknown, not looked up.
        Assert.ThrowsAny<Exception>(() => Sys.Serialization.Deserialize([], CampaignSerializer.Id, "System.String"));
        // A message with no explicit serializer is not sent either.
        Assert.ThrowsAny<Exception>(() => Sys.Serialization.FindSerializerFor(new Version(1, 2)).ToBinary(new Version(1, 2)));
    }
}

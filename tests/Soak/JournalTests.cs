using StressVm.Scenarios.Soak;
using Xunit;

namespace StressVm.Tests.Soak;

public class JournalTests
{
    private static readonly SoakRecord[] Samples =
    [
        new SoakStarted(1, 1, 50, 0, 1, "random,pct:1", 12),
        new FailureFound("s", "00ff00ff00ff00ff", "lost-update", 7, "pct:2:40", 9, "detail \"quoted\"\nnewline", "a <- B"),
        new ChunkCompleted("s", 3, 3, 151, 50, 400, 1, [new ChunkFailure("00ff00ff00ff00ff", "lost-update", 4, 152, "random", 160, 8, "pct:1:40")]),
    ];

    [Fact]
    public void RecordsRoundTripThroughTheirLines()
    {
        foreach (var r in Samples)
        {
            var back = JournalLine.TryDecode(JournalLine.Encode(r));
            Assert.NotNull(back);
            Assert.Equal(JournalLine.Encode(r), JournalLine.Encode(back!));
        }
    }

    [Fact]
    public void ATornLastLineIsSkippedWithAWarningAndCutBeforeTheNextAppend()
    {
        string dir = SoakTestKit.NewStateDirectory();
        using (var j = new ResilientJournal(JournalFile.OpenForAppend(dir, _ => { }), _ => { })) j.Append(Samples);
        string torn = JournalLine.Encode(Samples[1]);
        File.AppendAllText(JournalFile.PathIn(dir), torn[..(torn.Length / 2)]);

        var warnings = new List<string>();
        Assert.Equal(3, JournalFile.ReadAll(dir, warnings.Add).Count);
        Assert.Contains(warnings, w => w.Contains("torn"));

        using (var j = new ResilientJournal(JournalFile.OpenForAppend(dir, warnings.Add), _ => { })) j.Append(Samples[0]);
        var clean = new List<string>();
        Assert.Equal(4, JournalFile.ReadAll(dir, clean.Add).Count);
        Assert.Empty(clean);
    }

    [Fact]
    public void ACorruptedLineIsSkippedAndTheOthersKept()
    {
        string dir = SoakTestKit.NewStateDirectory();
        var lines = Samples.Select(JournalLine.Encode).ToList();
        lines[1] = lines[1].Replace("lost-update", "lost-updatf");
        File.WriteAllText(JournalFile.PathIn(dir), string.Join("\n", lines) + "\n");
        var warnings = new List<string>();
        var read = JournalFile.ReadAll(dir, warnings.Add);
        Assert.Equal(2, read.Count);
        Assert.Single(warnings);
    }

    [Fact]
    public void FailedWritesAreRetriedAndQueuedUntilTheDiskComesBack()
    {
        var sink = new FlakySink { FailuresLeft = 2 };
        var journal = new ResilientJournal(sink, _ => { }, ResilientJournal.DefaultPipeline(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(500)));
        Assert.True(journal.Append(Samples[0]));
        Assert.Single(sink.Written);

        sink.FailuresLeft = 100;
        Assert.False(journal.Append(Samples[1]));
        Assert.Equal(1, journal.Pending);
        sink.FailuresLeft = 0;
        Thread.Sleep(600); // the circuit breaker opened; it lets a trial through after its break
        Assert.True(journal.Append(Samples[2]));
        Assert.Equal(0, journal.Pending);
        Assert.Equal(3, sink.Written.SelectMany(t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Count());
    }

    private sealed class FlakySink : IJournalSink
    {
        public int FailuresLeft;
        public List<string> Written { get; } = new();

        public void Append(string lines)
        {
            if (FailuresLeft-- > 0) throw new IOException("disk hiccup");
            Written.Add(lines);
        }

        public void Dispose() { }
    }
}

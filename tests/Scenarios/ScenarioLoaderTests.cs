using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Scenarios;

public class ScenarioLoaderTests
{
    [Fact]
    public void EveryBuiltinLoadsAndSaysWhatItExpects()
    {
        var names = ScenarioCatalog.Names;
        Assert.Contains("mixed", names);
        Assert.True(names.Count >= 9);
        foreach (var n in names)
        {
            var s = ScenarioCatalog.LoadBuiltin(n);
            Assert.False(string.IsNullOrWhiteSpace(s.Description), n);
            Assert.True(s.Expect == "pass" || Invariants.All.Contains(s.Expect), n);
            Assert.StartsWith("# " + n + ":", ScenarioCatalog.BuiltinText(n)); // the comment says what it races
        }
        foreach (var knob in KernelKnobs.Names)
            Assert.Contains(names, n => ScenarioCatalog.LoadBuiltin(n).Pins.ContainsKey(knob));
    }

    [Theory]
    [InlineData("vmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"stor a\"] } ]", 2, 23, "unknown operation 'stor'")]
    [InlineData("vmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"load b\"] } ]", 2, 23, "no VMA named 'b'")]
    [InlineData("expect = boom\nvmas = []", 1, 10, "expect must be")]
    [InlineData("bugs { no-such-knob = true }", 1, 23, "unknown bug knob")]
    [InlineData("vmas = [ { name = a, start = 1 ", 1, 32, "found end of file")]
    [InlineData("vmas = [ { name = a, start = 1, pages = 2 }, { name = b, start = 2 } ]\ncpus = [ { program = [] } ]", 1, 66, "overlaps")]
    [InlineData("vmas = [ { name = a, start = 1, file = f } ]", 1, 40, "no file named 'f'")]
    public void BadFilesGiveFileLineAndColumn(string text, int line, int column, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "bad.conf"));
        Assert.Equal("bad.conf", e.File);
        Assert.Contains(message, e.Message);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"bad.conf:{line}:{column}: ", e.Message);
    }

    [Fact]
    public void InstructionsResolveAgainstVmas()
    {
        var s = ScenarioLoader.Parse(
            "files = [ { name = f, pages = 4 } ]\n" +
            "vmas = [ { name = b, start = 0x20, pages = 4, shared = true, file = f } ]\n" +
            "cpus = [ { name = c, program = [\"store b+3\", \"madvise-dontneed b+1:2\", \"munmap b\"] } ]\n", "ok.conf");
        var p = s.Cpus[0].Program;
        Assert.Equal(CpuOp.Store(0x23), p[0]);
        Assert.Equal(CpuOp.Dontneed(0x21, 2), p[1]);
        Assert.Equal(CpuOp.Munmap(0x20, 4), p[2]);
        Assert.Equal("filemap", s.Vmas[0].Driver);
    }
}

using StressVm.Config;
using Xunit;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Spec: Units format, durations (bare number = ms) and sizes in bytes (powers of 10 and of 2).</summary>
public class UnitsTests
{
    private static TimeSpan D(string value) => Config.Parse("d = " + value).GetDuration("d");
    private static long B(string value) => Config.Parse("b = " + value).GetBytes("b");

    [Theory]
    [InlineData("100", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("100ms", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("100 milliseconds", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1 millisecond", TimeSpan.TicksPerMillisecond)]
    [InlineData("\"100\"", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("500ns", 5)]
    [InlineData("500 nanoseconds", 5)]
    [InlineData("3us", 30)]
    [InlineData("3 microseconds", 30)]
    [InlineData("30s", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("30 seconds", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("1 second", TimeSpan.TicksPerSecond)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("5 minutes", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("8h", 8 * TimeSpan.TicksPerHour)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("8 hours", 8 * TimeSpan.TicksPerHour)]
    [InlineData("2d", 2 * TimeSpan.TicksPerDay)]
    [InlineData("2 days", 2 * TimeSpan.TicksPerDay)]
    [InlineData("0.5s", TimeSpan.TicksPerSecond / 2)]
    public void Durations(string value, long ticks) => Assert.Equal(TimeSpan.FromTicks(ticks), D(value));

    [Theory]
    [InlineData("5 M")]      // durations are lowercase only
    [InlineData("5 weeks")]
    [InlineData("fast")]
    [InlineData("true")]
    [InlineData("[1]")]
    public void BadDurationsNameThePath(string value)
    {
        var e = Assert.Throws<ConfigException>(() => D(value));
        Assert.StartsWith("path d: expected a duration", e.Message);
        Assert.Contains("(set at <string>:1:5)", e.Message);
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("10B", 10L)]
    [InlineData("10 bytes", 10L)]
    [InlineData("1 byte", 1L)]
    [InlineData("1kB", 1000L)]
    [InlineData("1 kilobyte", 1000L)]
    [InlineData("2MB", 2_000_000L)]
    [InlineData("1 megabytes", 1_000_000L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1TB", 1_000_000_000_000L)]
    [InlineData("1K", 1024L)]
    [InlineData("1k", 1024L)]
    [InlineData("1Ki", 1024L)]
    [InlineData("1KiB", 1024L)]
    [InlineData("1 kibibyte", 1024L)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("1M", 1L << 20)]
    [InlineData("1m", 1L << 20)]
    [InlineData("1 MiB", 1L << 20)]
    [InlineData("1 mebibytes", 1L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1T", 1L << 40)]
    [InlineData("1PiB", 1L << 50)]
    [InlineData("1E", 1L << 60)]
    [InlineData("1EB", 1_000_000_000_000_000_000L)]
    [InlineData("1.5K", 1536L)]
    public void Sizes(string value, long bytes) => Assert.Equal(bytes, B(value));

    [Theory]
    [InlineData("1ZB")]     // does not fit 64 bits
    [InlineData("1 KB")]    // not a unit: kB or K/KiB
    [InlineData("1 mb")]
    [InlineData("lots")]
    public void BadSizesNameThePath(string value)
    {
        var e = Assert.Throws<ConfigException>(() => B(value));
        Assert.StartsWith("path b: expected a size", e.Message);
    }
}

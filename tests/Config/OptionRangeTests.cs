using System.CommandLine;
using StressVm.Cli;
using Xunit;

namespace StressVm.Tests.ConfigTests;

/// <summary>
/// Every command-line option checks its range while parsing: one line naming the option and what it expects, no
/// .NET type names, exit code 2 before any work starts; and a misspelt setting stops run, soak and config.
/// </summary>
public sealed class OptionRangeTests
{
    private static string OneError(params string[] args)
    {
        var parse = CliApp.BuildRoot().Parse(args);
        var e = Assert.Single(parse.Errors);
        Assert.DoesNotContain("System.", e.Message);
        Assert.DoesNotContain("Parameter", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData("run mixed --seeds 0", "--seeds: expected an integer >= 1, got '0'")]
    [InlineData("run mixed --seeds -5", "--seeds: expected an integer >= 1, got '-5'")]
    [InlineData("run mixed --seeds many", "--seeds: expected an integer >= 1, got 'many'")]
    [InlineData("run mixed --pct-depth 0", "--pct-depth: expected an integer >= 1, got '0'")]
    [InlineData("run mixed --max-steps 0", "--max-steps: expected an integer >= 1, got '0'")]
    [InlineData("run mixed --first-seed -1", "--first-seed: expected a seed, an integer from 0 to 18446744073709551615, got '-1'")]
    [InlineData("replay mixed --seed 0 --max-steps -1", "--max-steps: expected an integer >= 1, got '-1'")]
    [InlineData("replay mixed --seed x", "--seed: expected a seed, an integer from 0 to 18446744073709551615, got 'x'")]
    [InlineData("replay mixed --seed 0 --pct-depth 0", "--pct-depth: expected an integer >= 1, got '0'")]
    [InlineData("replay mixed --seed 0 --pct-steps 0", "--pct-steps: expected an integer >= 1, got '0'")]
    [InlineData("minimize mixed --seed 1 --pct-depth 0", "--pct-depth: expected an integer >= 1, got '0'")]
    [InlineData("minimize mixed --seed 1 --max-replays 0", "--max-replays: expected an integer >= 1, got '0'")]
    [InlineData("soak --max-schedules 0", "--max-schedules: expected an integer >= 1, got '0'")]
    [InlineData("soak --workers 0", "--workers: expected an integer >= 1, got '0'")]
    [InlineData("soak --workers -1", "--workers: expected an integer >= 0, got '-1'")]
    [InlineData("soak --chunk-size 0", "--chunk-size: expected an integer >= 1, got '0'")]
    [InlineData("soak --duration 0s", "--duration: expected a duration of at least 1s, got '0s'")]
    [InlineData("soak --duration soon", "--duration: expected a duration such as 8h, 90m, 45s, 1h30m or hh:mm:ss, got 'soon'")]
    [InlineData("soak --progress-interval 0s", "--progress-interval: expected a duration of at least 1s")]
    [InlineData("bench runtime --seconds 0", "--seconds: expected a number > 0, got '0'")]
    [InlineData("bench kernel --ranges 0", "--ranges: expected an integer >= 1, got '0'")]
    [InlineData("bench kernel --cap -1", "--cap: expected an integer >= 1, got '-1'")]
    [InlineData("bench soak --rounds 0", "--rounds: expected an integer >= 1, got '0'")]
    [InlineData("bench soak --seconds 0", "--seconds: expected a number > 0, got '0'")]
    public void OutOfRangeIsOneLineNamingTheOption(string args, string message) =>
        Assert.StartsWith(message, OneError(args.Split(' ')));

    [Fact]
    public void EveryNumericOptionHasAPlainParser()
    {
        // Harden gave the ones without a rule of their own a parser; none may fall back to the .NET type name.
        void Walk(Command c)
        {
            foreach (var o in c.Options)
            {
                var parser = o switch
                {
                    Option<int?> x => (object?)x.CustomParser,
                    Option<int> x => x.CustomParser,
                    Option<long?> x => x.CustomParser,
                    Option<ulong?> x => x.CustomParser,
                    Option<double> x => x.CustomParser,
                    _ => "not numeric",
                };
                Assert.True(parser is not null, $"{c.Name} {o.Name} has no parser");
            }
            foreach (var s in c.Subcommands) Walk(s);
        }
        Walk(CliApp.BuildRoot());
    }

    [Fact]
    public void InRangeValuesParse()
    {
        var parse = CliApp.BuildRoot().Parse("run mixed --seeds 1 --pct-depth 1 --max-steps 1 --first-seed 18446744073709551615 --strategy random".Split(' '));
        Assert.Empty(parse.Errors);
        Assert.Empty(CliApp.BuildRoot().Parse("soak --max-schedules 1 --progress-interval 1s --duration 1h30m".Split(' ')).Errors);
        // A coordinator node may leave every chunk to its worker nodes.
        Assert.Empty(CliApp.BuildRoot().Parse("soak --listen 127.0.0.1:4053 --workers 0".Split(' ')).Errors);
    }

    [Fact]
    public void BadOptionsExitWithTwo() => Assert.Equal(CliApp.ExitBadInput, CliApp.Run("soak --max-schedules 0".Split(' ')));

    private static (int Code, string Err) Invoke(params string[] args)
    {
        var error = new StringWriter();
        var code = CliApp.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (code, error.ToString());
    }

    [Theory]
    [InlineData("run mixed --seeds 200 -D stressvm.kernel.bugs.wrprotect-skip-flsh=true")]
    [InlineData("config -D stressvm.kernel.bugs.wrprotect-skip-flsh=true")]
    [InlineData("soak --scenarios mixed --max-schedules 10 -D stressvm.kernel.bugs.wrprotect-skip-flsh=true")]
    [InlineData("replay mixed --seed 0 -D stressvm.kernel.bugs.wrprotect-skip-flsh=true")]
    [InlineData("minimize mixed --seed 0 -D stressvm.kernel.bugs.wrprotect-skip-flsh=true")]
    public void AMisspeltKnobStopsEveryCommand(string args)
    {
        var (code, err) = Invoke(args.Split(' '));
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Equal("stressvm: -D: unknown setting stressvm.kernel.bugs.wrprotect-skip-flsh (HOCON.conf defines no such key); " +
                     "did you mean stressvm.kernel.bugs.wrprotect-skip-flush?", err.Trim());
    }
}

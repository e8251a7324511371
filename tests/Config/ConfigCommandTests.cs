using System.CommandLine;
using System.Text.Json;
using StressVm.Cli;
using StressVm.Cli.Common;
using Xunit;

namespace StressVm.Tests.ConfigTests;

/// <summary><c>stressvm config</c> and the shared --config / -D options.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stressvm-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void JsonOutputHasTypedValues()
    {
        var (code, output, error) = Run("config", "--json", "-D", "stressvm.run.seeds=7", "-Dstressvm.run.strategy=random");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var doc = JsonDocument.Parse(output);
        var run = doc.RootElement.GetProperty("stressvm").GetProperty("run");
        Assert.Equal(7, run.GetProperty("seeds").GetInt32());
        Assert.Equal("random", run.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.False, doc.RootElement.GetProperty("stressvm").GetProperty("kernel").GetProperty("bugs")
            .GetProperty("wrprotect-skip-flush").ValueKind);
        Assert.Equal("8h", doc.RootElement.GetProperty("stressvm").GetProperty("soak").GetProperty("duration").GetString());
    }

    [Fact]
    public void TextOutputShowsWhereEachValueWasSet()
    {
        var file = Write("user.conf", "stressvm.run.pct-depth = 5");
        var (code, output, _) = Run("config", "--config", file);
        Assert.Equal(0, code);
        Assert.Contains("stressvm {", output);
        Assert.Contains($"pct-depth = 5  # {file}:1:26", output);
        Assert.Contains("seeds = 1000  # HOCON.conf:", output);
    }

    [Fact]
    public void NoDefaultsPrintsJustTheFile()
    {
        var file = Write("doc.conf", "a { b = [1, 2] }\nc = ${a.b} [3]\nd = ${?HOME}");
        var (code, output, _) = Run("config", "--json", "--no-defaults", "--config", file);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("""{"a":{"b":[1,2]},"c":[1,2,3]}""", JsonSerializer.Serialize(doc.RootElement));
    }

    [Theory]
    [InlineData("bad.conf", "a = [1,,2]", ":1:8: found ','")]
    [InlineData("cycle.conf", "a = ${b}\nb = ${a}", "cycle")]
    public void BadFilesAreOneLineAndExitCode2(string name, string text, string fragment)
    {
        var file = Write(name, text);
        var (code, output, error) = Run("config", "--config", file);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Equal("", output);
        Assert.StartsWith("stressvm: " + file, error);
        Assert.Contains(fragment, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error); // never a stack trace
    }

    [Fact]
    public void BadOverrideIsOneLineAndExitCode2()
    {
        var (code, _, error) = Run("config", "-D", "stressvm.run.seeds");
        Assert.Equal(2, code);
        Assert.Equal("stressvm: -D stressvm.run.seeds:1:19: found no '=', expected path=value", error.TrimEnd());
    }

    [Fact]
    public void MissingFileIsOneLineAndExitCode2()
    {
        var (code, _, error) = Run("config", "--config", Path.Combine(_dir, "none.conf"));
        Assert.Equal(2, code);
        Assert.Contains("found no such file", error);
    }

    [Fact]
    public void LoadSettingsOrFailReportsValidationErrors()
    {
        var command = new Command("probe");
        ConfigOptions.AddTo(command);
        var error = new StringWriter();
        int? seen = null;
        command.SetAction(r =>
        {
            var settings = ConfigOptions.LoadSettingsOrFail(r, out var exitCode);
            seen = exitCode;
            return settings is null ? exitCode : 0;
        });
        var root = new RootCommand { command };
        var code = root.Parse(new[] { "probe", "-D", "stressvm.run.strategy=dfs" }).Invoke(new InvocationConfiguration { Error = error, Output = new StringWriter() });
        Assert.Equal(2, code);
        Assert.Equal(2, seen);
        Assert.StartsWith("stressvm: path stressvm.run.strategy: expected one of random, pct, got \"dfs\"", error.ToString());
    }
}

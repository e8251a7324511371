using System.Diagnostics;

namespace StressVm.Tests.Deploy;

/// <summary>The repository's root (where StressVm.sln is) and the tools the deploy tests need.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "StressVm.sln"))) return d.FullName;
        throw new InvalidOperationException($"no StressVm.sln above {AppContext.BaseDirectory}");
    }

    public static string Validator => Path.Combine(Root, "deploy", "validate", "validate.mjs");

    /// <summary>A program's full path on PATH, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    /// <summary>Runs a program to the end, bounded; the test fails if it has not ended within <paramref name="within"/>.</summary>
    public static (int Code, string Out, string Err) Run(string program, IEnumerable<string> args, TimeSpan within,
        IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(within))
        {
            p.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{program} did not end within {within}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that needs node and deploy/validate's installed packages (`npm ci` there; .ci/run does it): skipped with the reason otherwise.</summary>
public sealed class NodeValidatorFactAttribute : Xunit.FactAttribute
{
    public NodeValidatorFactAttribute()
    {
        if (RepoPaths.OnPath("node") is null) Skip = "node is not on PATH: the manifest validator (deploy/validate) cannot run";
        else if (!Directory.Exists(Path.Combine(RepoPaths.Root, "deploy", "validate", "node_modules", "kubernetes-models")))
            Skip = "deploy/validate/node_modules is missing: run `npm ci` in deploy/validate (.ci/run does)";
    }
}

/// <summary>A fact that needs a POSIX shell (/bin/sh) to run deploy/k8s/stressvm-shard.sh.</summary>
public sealed class PosixShellFactAttribute : Xunit.FactAttribute
{
    public PosixShellFactAttribute()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Skip = "stressvm-shard.sh needs a POSIX shell";
        else if (!File.Exists("/bin/sh")) Skip = "/bin/sh is missing";
    }
}

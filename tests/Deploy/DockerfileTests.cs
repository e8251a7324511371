using System.Xml.Linq;
using Xunit;

namespace StressVm.Tests.Deploy;

/// <summary>
/// The Dockerfile builds the CLI from the repository less .dockerignore's entries: none of the projects the CLI
/// references (transitively) may be left out of that context, and the image's entry point is the CLI.
/// </summary>
public class DockerfileTests
{
    [Fact]
    public void Every_project_the_CLI_needs_is_in_the_docker_build_context()
    {
        string root = RepoPaths.Root;
        var ignored = File.ReadAllLines(Path.Combine(root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Replace("**/", "").TrimEnd('/'))
            .ToList();
        var seen = new HashSet<string>();
        var pending = new Queue<string>([Path.Combine(root, "cli", "StressVm.Cli.csproj")]);
        while (pending.TryDequeue(out var project))
        {
            if (!seen.Add(Path.GetFullPath(project))) continue;
            foreach (var r in XDocument.Load(project).Descendants("ProjectReference"))
                pending.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, r.Attribute("Include")!.Value)));
        }
        Assert.True(seen.Count >= 5, $"found only {seen.Count} projects: the walk is broken");
        foreach (var project in seen)
        {
            var parts = Path.GetRelativePath(root, project).Split(Path.DirectorySeparatorChar);
            foreach (var ig in ignored)
                Assert.False(parts.Take(parts.Length - 1).Any(p => p == ig) || string.Join('/', parts).StartsWith(ig + "/", StringComparison.Ordinal),
                    $"{Path.GetRelativePath(root, project)} is needed by the CLI but .dockerignore leaves out '{ig}'");
        }
        string dockerfile = File.ReadAllText(Path.Combine(root, "Dockerfile"));
        Assert.Contains("dotnet publish cli/StressVm.Cli.csproj", dockerfile);
        Assert.Contains("ENTRYPOINT [\"stressvm\"]", dockerfile);
    }
}

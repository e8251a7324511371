using System.Text.RegularExpressions;
using Xunit;

namespace StressVm.Tests.Deploy;

/// <summary>
/// The documents README.md links to live in the repository: every relative link of README.md (and of the
/// documents it links to) names a file or folder inside the repository, none reaches outside it.
/// </summary>
public class ReadmeLinkTests
{
    private static readonly Regex Link = new(@"\[[^\]]*\]\(([^)\s#]+)(#[^)]*)?\)");
    private static readonly Regex OutsidePath = new(@"`(\.\./[^`]+)`");

    private static IEnumerable<string> Links(string markdownFile) =>
        Link.Matches(File.ReadAllText(markdownFile)).Select(m => m.Groups[1].Value)
            .Where(l => !l.Contains("://", StringComparison.Ordinal) && !l.StartsWith("mailto:", StringComparison.Ordinal));

    [Fact]
    public void Every_link_of_the_README_and_its_documents_is_inside_the_repository()
    {
        string root = Path.GetFullPath(RepoPaths.Root) + Path.DirectorySeparatorChar;
        var pending = new Queue<string>([Path.Combine(root, "README.md")]);
        var seen = new HashSet<string>();
        var broken = new List<string>();
        while (pending.TryDequeue(out var doc))
        {
            if (!seen.Add(doc)) continue;
            string rel = Path.GetRelativePath(root, doc);
            foreach (Match m in OutsidePath.Matches(File.ReadAllText(doc)))
                broken.Add($"{rel}: names {m.Groups[1].Value}, outside the repository");
            foreach (var link in Links(doc))
            {
                string target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(doc)!, link));
                if (!target.StartsWith(root, StringComparison.Ordinal)) broken.Add($"{rel}: {link} leads outside the repository");
                else if (!File.Exists(target) && !Directory.Exists(target)) broken.Add($"{rel}: {link} does not exist");
                else if (doc == Path.Combine(root, "README.md") && target.EndsWith(".md", StringComparison.Ordinal)) pending.Enqueue(target);
            }
        }
        Assert.True(seen.Count > 1, "README.md links to no document: the test checked nothing");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }
}

using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Asyncio.Tests.Docs;

/// <summary>Each package packs a readme of its own whose every link works on a package page: absolute, https.</summary>
/// <remarks>
/// A package page shows the packed readme without the repository around it, so a link such as
/// <c>docs/design.md</c> is broken there. The readme a project packs is the file named by
/// <c>PackageReadmeFile</c> that the project includes with <c>Pack="true"</c>.
/// </remarks>
public partial class PackageReadmeTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> PackableProjects() => new(Projects());

    private static string[] Projects() =>
        [.. Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => XDocument.Load(p).Descendants("PackageId").Any())
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void EveryPackage_IsFound()
    {
        Assert.Equal(
            ["src/EventLoop.Hosting/EventLoop.Hosting.csproj", "src/EventLoop.Logging/EventLoop.Logging.csproj",
             "src/EventLoop.Testing/EventLoop.Testing.csproj", "src/EventLoop/EventLoop.csproj"],
            Projects());
    }

    [Theory]
    [MemberData(nameof(PackableProjects))]
    public void PackedReadme_IsItsOwnAndHasOnlyAbsoluteLinks(string project)
    {
        string readme = PackedReadme(project);
        string text = File.ReadAllText(readme);

        Assert.NotEqual(Path.Combine(Root, "README.md"), readme);
        Assert.StartsWith("# " + XDocument.Load(Path.Combine(Root, project)).Descendants("PackageId").Single().Value + "\n", text);
        var links = MarkdownLink().Matches(text).Select(m => m.Groups[1].Value)
            .Concat(HtmlLink().Matches(text).Select(m => m.Groups[1].Value))
            .ToList();
        var relative = links.Where(l => !l.StartsWith("https://", StringComparison.Ordinal)).ToList();
        Assert.True(relative.Count == 0, $"{readme}: links a package page cannot follow: {string.Join(", ", relative)}");
    }

    [Fact]
    public void PackageReadmeCheck_FindsARelativeLink()
    {
        // The pattern the theory relies on sees the links the repository's README is full of.
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains(MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value), l => l.StartsWith("docs/", StringComparison.Ordinal));
    }

    /// <summary>The file the project packs as its readme: PackageReadmeFile (from the project or Directory.Build.props) among the items packed at the package root.</summary>
    private static string PackedReadme(string project)
    {
        var csproj = XDocument.Load(Path.Combine(Root, project));
        string readmeName = csproj.Descendants("PackageReadmeFile").Select(e => e.Value).FirstOrDefault()
            ?? XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("PackageReadmeFile").Single().Value;
        string dir = Path.GetDirectoryName(Path.Combine(Root, project))!;
        var packed = csproj.Descendants("None")
            .Where(e => (string?)e.Attribute("Pack") == "true" && (string?)e.Attribute("PackagePath") == "")
            .Select(e => Path.GetFullPath(Path.Combine(dir, (string)e.Attribute("Include")!)))
            .Where(p => Path.GetFileName(p) == readmeName)
            .ToList();
        string path = Assert.Single(packed);
        Assert.True(File.Exists(path), path);
        return path;
    }

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventLoop.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?:href|src)\s*=\s*[""']([^""']+)")]
    private static partial Regex HtmlLink();
}

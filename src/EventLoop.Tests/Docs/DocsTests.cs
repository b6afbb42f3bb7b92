using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Asyncio.Tests.Docs;

/// <summary>Keeps <c>docs/</c> from rotting: every code block there is a verbatim copy of a file or a
/// region of a file that is compiled and run (the examples, <see cref="DocSnippets"/>), every relative
/// link resolves, and the version the README and CHANGELOG state is the package's.</summary>
/// <remarks>
/// A block is bound to its source by a marker on the line before the fence:
/// <c>&lt;!-- snippet: examples/01_ensure_future_nowait/Program.cs --&gt;</c> (the whole file) or
/// <c>&lt;!-- snippet: src/EventLoop.Tests/Docs/DocSnippets.cs#one-iteration --&gt;</c> (the lines between
/// <c>// begin-snippet: one-iteration</c> and <c>// end-snippet</c>, de-indented). Paths are relative
/// to the repository root; a path into <c>../shared</c> (the seed article) is checked where that folder
/// is present. A <c>csharp</c> block without a marker fails: it would be compiled by nothing.
/// </remarks>
public partial class DocsTests
{
    private static readonly string Root = FindRoot();
    private static readonly string DocsDir = Path.Combine(Root, "docs");

    public static TheoryData<string> Documents() =>
        new(Directory.GetFiles(DocsDir, "*.md").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryCodeBlock_IsACopyOfCompiledSource(string document)
    {
        var lines = File.ReadAllLines(Path.Combine(DocsDir, document));
        var problems = new List<string>();
        foreach (var block in Blocks(lines))
        {
            if (block.Source is null)
            {
                if (block.Language is "csharp" or "cs" or "c#")
                    problems.Add($"{document}:{block.Line}: a csharp block without a <!-- snippet: ... --> marker");
                continue;
            }
            string? expected = Resolve(block.Source, out string? error);
            if (error is not null)
                problems.Add($"{document}:{block.Line}: {error}");
            else if (expected is not null && Normalize(expected) != Normalize(block.Text))
                problems.Add($"{document}:{block.Line}: differs from {block.Source}; copy it again");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EverySnippetRegion_IsShownInADocument()
    {
        string source = File.ReadAllText(Path.Combine(Root, "src/EventLoop.Tests/Docs/DocSnippets.cs"));
        var used = Directory.GetFiles(DocsDir, "*.md").SelectMany(File.ReadAllLines)
            .Select(l => SnippetMarker().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        var regions = BeginSnippet().Matches(source).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(regions);
        var unused = regions.Where(r => !used.Contains("src/EventLoop.Tests/Docs/DocSnippets.cs#" + r)).ToList();
        Assert.True(unused.Count == 0, "regions shown in no document: " + string.Join(", ", unused));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryRelativeLink_Resolves(string document)
    {
        string text = File.ReadAllText(Path.Combine(DocsDir, document));
        var broken = MarkdownLink().Matches(text).Select(m => m.Groups[1].Value)
            .Where(target => !target.Contains("://") && !target.StartsWith("mailto:") && !target.StartsWith('#'))
            .Where(target =>
            {
                string path = Path.GetFullPath(Path.Combine(DocsDir, Uri.UnescapeDataString(target.Split('#')[0])));
                return !File.Exists(path) && !Directory.Exists(path);
            })
            .ToList();
        Assert.Empty(broken);
    }

    [Fact]
    public void Readme_LinksEveryDocument()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        // The index (docs/README.md) is new; the repository's README links the documents themselves.
        foreach (string document in Directory.GetFiles(DocsDir, "*.md").Select(f => Path.GetFileName(f)).Where(d => d != "README.md"))
            Assert.Contains($"(docs/{document})", readme);
    }

    [Fact]
    public void Index_LinksEveryDocumentWithWhoItIsFor()
    {
        var rows = File.ReadAllLines(Path.Combine(DocsDir, "README.md")).Where(l => l.StartsWith("| [", StringComparison.Ordinal)).ToList();
        var documents = Directory.GetFiles(DocsDir, "*.md").Select(f => Path.GetFileName(f)).Where(d => d != "README.md").Order(StringComparer.Ordinal);
        var listed = rows.Select(r => MarkdownLink().Match(r).Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(documents, listed);
        // A row without a "who it is for" cell is a link list, not an index.
        Assert.All(rows, r => Assert.Matches(@"^\| \[[^\]]+\]\([^)]+\) \| \S.{20,} \|$", r));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryDocument_OpensWithWhatTheReaderWillBeAbleToDo(string document)
    {
        var lines = File.ReadAllLines(Path.Combine(DocsDir, document));
        Assert.StartsWith("# ", lines[0]);
        string firstParagraph = lines.Skip(1).SkipWhile(l => l.Trim().Length == 0).FirstOrDefault() ?? "";
        Assert.StartsWith("After reading this page you will", firstParagraph);
    }

    [Fact]
    public void Version_ReadmeChangelogAndAssemblyAgreeWithVersionPrefix()
    {
        string prefix = XDocument.Load(Path.Combine(Root, "Directory.Build.props"))
            .Descendants("VersionPrefix").Single().Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", prefix);

        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Equal(prefix, ReadmeVersion().Match(readme).Groups[1].Value);

        string changelog = File.ReadAllText(Path.Combine(Root, "CHANGELOG.md"));
        Assert.Equal(prefix, ChangelogVersion().Match(changelog).Groups[1].Value); // the newest entry

        string informational = typeof(EventLoop).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(prefix, informational.Split('+')[0].Split('-')[0]);
    }

    private sealed record Block(int Line, string Language, string? Source, string Text);

    private static IEnumerable<Block> Blocks(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
                continue;
            string? source = null;
            for (int j = i - 1; j >= 0; j--)
            {
                if (lines[j].Trim().Length == 0)
                    continue;
                var marker = SnippetMarker().Match(lines[j]);
                source = marker.Success ? marker.Groups[1].Value : null;
                break;
            }
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].TrimEnd() != open.Groups[1].Value)
                end++;
            yield return new Block(i + 1, open.Groups[2].Value, source, string.Join("\n", lines[start..end]));
            i = end;
        }
    }

    /// <summary>The text a marker names, or null (with no error) for a seed file when <c>../shared</c> is absent.</summary>
    private static string? Resolve(string source, out string? error)
    {
        error = null;
        string[] parts = source.Split('#', 2);
        string path = Path.GetFullPath(Path.Combine(Root, parts[0]));
        if (!File.Exists(path))
        {
            if (parts[0].StartsWith("../shared/", StringComparison.Ordinal))
                return null; // a clone without the seed article beside it
            error = $"{parts[0]} does not exist";
            return null;
        }
        string text = File.ReadAllText(path);
        if (parts.Length == 1)
            return text;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        int begin = Array.FindIndex(lines, l => l.Trim() == "// begin-snippet: " + parts[1]);
        int end = begin < 0 ? -1 : Array.FindIndex(lines, begin + 1, l => l.Trim() == "// end-snippet");
        if (begin < 0 || end < 0)
        {
            error = $"no region '{parts[1]}' in {parts[0]}";
            return null;
        }
        var region = lines[(begin + 1)..end];
        int indent = region.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", region.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static string Normalize(string text) =>
        string.Join("\n", text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim('\n');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EventLoop.sln")) && Directory.Exists(Path.Combine(dir.FullName, "docs")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root (EventLoop.sln and docs/) not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(\s*```)\s*([A-Za-z#+-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<!--\s*snippet:\s*(\S+)\s*-->")]
    private static partial Regex SnippetMarker();

    [GeneratedRegex(@"//\s*begin-snippet:\s*(\S+)")]
    private static partial Regex BeginSnippet();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?m)^Version (\d+\.\d+\.\d+)\b")]
    private static partial Regex ReadmeVersion();

    [GeneratedRegex(@"(?m)^## \[(\d+\.\d+\.\d+)\]")]
    private static partial Regex ChangelogVersion();
}

using System.Reflection;

namespace Asyncio.Tests.Transcripts;

/// <summary>
/// Each Python program in <c>programs/</c> beside the output CPython printed for it
/// (<c>scripts/record-transcripts.sh</c> re-records), and its C# twin, which must print the same.
/// </summary>
public class TranscriptTests
{
    private static readonly string ProgramsDirectory = Path.Combine(AppContext.BaseDirectory, "Transcripts", "programs");

    private static readonly Dictionary<string, MethodInfo> Twins = typeof(TranscriptTests).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        .Where(m => m.GetCustomAttribute<TranscriptAttribute>() is not null)
        .ToDictionary(m => m.GetCustomAttribute<TranscriptAttribute>()!.Name);

    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(ProgramsDirectory, "*.py").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Twin_PrintsWhatCPythonPrinted(string name)
    {
        Assert.True(Twins.TryGetValue(name, out var twin), $"no C# twin is marked [Transcript(\"{name}\")]");
        string expected = File.ReadAllText(Path.Combine(ProgramsDirectory, name + ".expected"));
        var output = new StringWriter { NewLine = "\n" };

        twin!.Invoke(null, [output]);

        Assert.Equal(expected, output.ToString());
    }

    [Fact]
    public void EveryTwin_HasItsPythonProgram()
    {
        foreach (var name in Twins.Keys)
            Assert.True(File.Exists(Path.Combine(ProgramsDirectory, name + ".py")), $"twin {name} has no program");
    }

    [Fact]
    public void Suite_HasAtLeastFifteenTranscripts() => Assert.True(Programs().Count >= 15);
}

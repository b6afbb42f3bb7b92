namespace Asyncio.Tests.Transcripts;

/// <summary>Marks a static method <c>void M(TextWriter output)</c> as the C# twin of <c>programs/NAME.py</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TranscriptAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

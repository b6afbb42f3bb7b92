namespace Asyncio;

/// <summary>What a child's standard stream is connected to: asyncio's <c>asyncio.subprocess.PIPE</c>, <c>DEVNULL</c>, <c>STDOUT</c> and <c>None</c>.</summary>
public enum SubprocessStdio
{
    /// <summary>A pipe to this process, as a loop stream (<see cref="Subprocess.Stdin"/>, <see cref="Subprocess.Stdout"/>, <see cref="Subprocess.Stderr"/>): asyncio's <c>PIPE</c>.</summary>
    Pipe,

    /// <summary>This process's own stream, inherited: asyncio's <c>None</c>.</summary>
    Inherit,

    /// <summary>Nothing: the child reads EOF at once, and what it writes is discarded: asyncio's <c>DEVNULL</c>.</summary>
    /// <remarks>Differs from asyncio: .NET cannot hand a child <c>/dev/null</c>; the child gets a pipe that is closed at once (input) or read and dropped off the loop (output).</remarks>
    DevNull,

    /// <summary>For standard error only: into the same pipe or stream as standard output: asyncio's <c>STDOUT</c>.</summary>
    /// <remarks>Differs from asyncio: .NET cannot join a child's streams itself; on Unix the child is started through <c>/bin/sh</c>, which joins them with <c>2&gt;&amp;1</c> and then <c>exec</c>s the program (same process id). Not supported on Windows.</remarks>
    Stdout,
}

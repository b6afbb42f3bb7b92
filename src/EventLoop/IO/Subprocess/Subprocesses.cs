using System.Diagnostics;

namespace Asyncio;

/// <summary>Child processes whose pipes are loop streams: asyncio's <c>asyncio.subprocess</c> (<c>create_subprocess_exec</c>).</summary>
/// <remarks>Extension methods, so that <c>loop.CreateSubprocessExecAsync(...)</c> reads as asyncio's call does; no loop state is involved.</remarks>
public static class Subprocesses
{
    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, its pipes as loop streams: asyncio's <c>await asyncio.create_subprocess_exec(program, *args, stdin=PIPE, stdout=PIPE, stderr=PIPE)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.create_subprocess_exec(program, *args, stdin=, stdout=, stderr=, limit=)</c>.</para>
    /// <para>The arguments are passed as they are, with no shell. Each of standard input, output
    /// and error is either a pipe (the default, asyncio's <c>PIPE</c>) or inherited from this
    /// process (asyncio's <c>None</c>). A program that cannot be started throws
    /// <see cref="System.ComponentModel.Win32Exception"/> (Python's <c>FileNotFoundError</c>).</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="program">The program to start.</param>
    /// <param name="arguments">Its arguments, passed as they are; none may be null.</param>
    /// <param name="pipeStdin">Whether standard input is a pipe (else inherited).</param>
    /// <param name="pipeStdout">Whether standard output is a pipe (else inherited).</param>
    /// <param name="pipeStderr">Whether standard error is a pipe (else inherited).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Looked at before the child starts (a cancelled token starts nothing); starting does not wait.</param>
    /// <remarks>Check first: a bad argument (a null argument, a limit of zero), a closed loop or another thread throws at the call, before the child starts.</remarks>
    public static Task<Subprocess> CreateSubprocessExecAsync(this EventLoop loop, string program, IEnumerable<string> arguments, bool pipeStdin = true, bool pipeStdout = true, bool pipeStderr = true, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(arguments);
        if (limit <= 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "Limit cannot be <= 0");
        var argumentList = arguments.ToArray();
        foreach (var argument in argumentList)
        {
            if (argument is null)
                throw new ArgumentException("An argument is null.", nameof(arguments));
        }
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateSubprocessExecAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Subprocess>(cancellationToken);
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = pipeStdin,
            RedirectStandardOutput = pipeStdout,
            RedirectStandardError = pipeStderr,
        };
        foreach (var argument in argumentList)
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var transports = new List<StreamTransport>();
        LoopStreamWriter? stdin = null;
        LoopStreamReader? stdout = null, stderr = null;
        if (pipeStdin)
        {
            var transport = new PipeTransport(loop, process.StandardInput.BaseStream, null);
            transports.Add(transport);
            stdin = new LoopStreamWriter(transport, null);
        }
        if (pipeStdout)
            stdout = OpenPipeReader(loop, process.StandardOutput.BaseStream, limit, transports);
        if (pipeStderr)
            stderr = OpenPipeReader(loop, process.StandardError.BaseStream, limit, transports);
        return Task.FromResult(new Subprocess(loop, process, stdin, stdout, stderr, transports));
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, all three pipes as loop streams: asyncio's <c>await asyncio.create_subprocess_exec(program, *args, ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.create_subprocess_exec(program, *args, stdin=PIPE, stdout=PIPE, stderr=PIPE)</c>; see <see cref="CreateSubprocessExecAsync(EventLoop, string, IEnumerable{string}, bool, bool, bool, int, CancellationToken)"/> (which takes a CancellationToken: a <c>params</c> array must come last).</remarks>
    public static Task<Subprocess> CreateSubprocessExecAsync(this EventLoop loop, string program, params string[] arguments) =>
        loop.CreateSubprocessExecAsync(program, (IEnumerable<string>)arguments);

    private static LoopStreamReader OpenPipeReader(EventLoop loop, Stream stream, int limit, List<StreamTransport> transports)
    {
        var reader = new LoopStreamReader(limit, loop);
        var transport = new PipeTransport(loop, stream, reader);
        transports.Add(transport);
        transport.Start();
        return reader;
    }
}

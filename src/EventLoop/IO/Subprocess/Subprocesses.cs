using System.Diagnostics;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Child processes whose pipes are loop streams: asyncio's <c>asyncio.subprocess</c> (<c>create_subprocess_exec</c>, <c>create_subprocess_shell</c>).</summary>
/// <remarks>Extension methods, so that <c>loop.CreateSubprocessExecAsync(...)</c> reads as asyncio's call does; no loop state is involved.</remarks>
public static class Subprocesses
{
    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, its pipes as loop streams: asyncio's <c>await asyncio.create_subprocess_exec(program, *args, stdin=PIPE, stdout=PIPE, stderr=PIPE)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.create_subprocess_exec(program, *args, stdin=, stdout=, stderr=, limit=, cwd=, env=)</c>.</para>
    /// <para>The arguments are passed as they are, with no shell. Each standard stream is a pipe
    /// (the default, asyncio's <c>PIPE</c>), inherited (<c>None</c>), nothing (<c>DEVNULL</c>), or,
    /// for standard error, joined to standard output (<c>STDOUT</c>); see <see cref="SubprocessStdio"/>.
    /// A program that cannot be started throws <see cref="System.ComponentModel.Win32Exception"/>
    /// (Python's <c>FileNotFoundError</c>); so does a missing <paramref name="cwd"/>.</para>
    /// <para>Check first: a bad argument (a null argument, a limit of zero, <see cref="SubprocessStdio.Stdout"/>
    /// for stdin or stdout), a closed loop, another thread or a cancelled token throws at the
    /// call, before the child starts; and once it has started, nothing can fail without killing it.</para>
    /// </remarks>
    /// <param name="loop">The loop the process's streams belong to; the running loop on its thread.</param>
    /// <param name="program">The program to start.</param>
    /// <param name="arguments">Its arguments, passed as they are; none may be null.</param>
    /// <param name="stdin">What standard input is.</param>
    /// <param name="stdout">What standard output is.</param>
    /// <param name="stderr">What standard error is.</param>
    /// <param name="cwd">The child's working directory; this process's when null.</param>
    /// <param name="env">The child's whole environment, as asyncio's <c>env=</c> (it replaces this process's); inherited when null.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Looked at before the child starts (a cancelled token starts nothing); starting does not wait.</param>
    public static Task<Subprocess> CreateSubprocessExecAsync(this EventLoop loop, string program, IEnumerable<string> arguments, SubprocessStdio stdin = SubprocessStdio.Pipe, SubprocessStdio stdout = SubprocessStdio.Pipe, SubprocessStdio stderr = SubprocessStdio.Pipe, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(arguments);
        var argumentList = arguments.ToArray();
        foreach (var argument in argumentList)
        {
            if (argument is null)
                throw new ArgumentException("An argument is null.", nameof(arguments));
        }
        CheckCommon(loop, stdin, stdout, stderr, env, limit, nameof(CreateSubprocessExecAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Subprocess>(cancellationToken);
        ProcessStartInfo info;
        if (stderr == SubprocessStdio.Stdout)
        {
            // "$0" is the program: exec replaces the shell, so the child keeps the shell's pid.
            info = new ProcessStartInfo("/bin/sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("exec \"$0\" \"$@\" 2>&1");
            info.ArgumentList.Add(program);
        }
        else
        {
            info = new ProcessStartInfo(program);
        }
        foreach (var argument in argumentList)
            info.ArgumentList.Add(argument);
        return Task.FromResult(Start(loop, info, stdin, stdout, stderr, cwd, env, limit));
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, all three pipes as loop streams: asyncio's <c>await asyncio.create_subprocess_exec(program, *args, ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.create_subprocess_exec(program, *args, stdin=PIPE, stdout=PIPE, stderr=PIPE)</c>; see <see cref="CreateSubprocessExecAsync(EventLoop, string, IEnumerable{string}, SubprocessStdio, SubprocessStdio, SubprocessStdio, string?, IReadOnlyDictionary{string, string}?, int, CancellationToken)"/> (which takes the other options: a <c>params</c> array must come last).</remarks>
    /// <param name="loop">The loop the process's streams belong to; the running loop on its thread.</param>
    /// <param name="program">The program to start.</param>
    /// <param name="arguments">Its arguments, passed as they are; none may be null.</param>
    public static Task<Subprocess> CreateSubprocessExecAsync(this EventLoop loop, string program, params string[] arguments) =>
        loop.CreateSubprocessExecAsync(program, (IEnumerable<string>)arguments);

    /// <summary>Runs <paramref name="command"/> through the shell, its pipes as loop streams: asyncio's <c>await asyncio.create_subprocess_shell(cmd, stdin=PIPE, stdout=PIPE, stderr=PIPE)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.create_subprocess_shell(cmd, stdin=, stdout=, stderr=, limit=, cwd=, env=)</c>.</para>
    /// <para>The shell is <c>/bin/sh -c</c> on Unix and <c>%COMSPEC% /c</c> (cmd.exe) on Windows, as
    /// Python's <c>shell=True</c>; <see cref="Subprocess.Pid"/> is the shell's. The command is
    /// passed as it is: quoting what goes into it is the caller's job, as in asyncio. Otherwise as
    /// <see cref="CreateSubprocessExecAsync(EventLoop, string, IEnumerable{string}, SubprocessStdio, SubprocessStdio, SubprocessStdio, string?, IReadOnlyDictionary{string, string}?, int, CancellationToken)"/>,
    /// checks first included.</para>
    /// </remarks>
    /// <param name="loop">The loop the process's streams belong to; the running loop on its thread.</param>
    /// <param name="command">The shell command line.</param>
    /// <param name="stdin">What standard input is.</param>
    /// <param name="stdout">What standard output is.</param>
    /// <param name="stderr">What standard error is.</param>
    /// <param name="cwd">The child's working directory; this process's when null.</param>
    /// <param name="env">The child's whole environment, as asyncio's <c>env=</c> (it replaces this process's); inherited when null.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Looked at before the child starts (a cancelled token starts nothing); starting does not wait.</param>
    public static Task<Subprocess> CreateSubprocessShellAsync(this EventLoop loop, string command, SubprocessStdio stdin = SubprocessStdio.Pipe, SubprocessStdio stdout = SubprocessStdio.Pipe, SubprocessStdio stderr = SubprocessStdio.Pipe, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(command);
        CheckCommon(loop, stdin, stdout, stderr, env, limit, nameof(CreateSubprocessShellAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Subprocess>(cancellationToken);
        ProcessStartInfo info;
        if (OperatingSystem.IsWindows())
        {
            info = new ProcessStartInfo(Environment.GetEnvironmentVariable("COMSPEC") ?? "cmd.exe");
            info.ArgumentList.Add("/c");
            info.ArgumentList.Add(command);
        }
        else
        {
            info = new ProcessStartInfo("/bin/sh");
            info.ArgumentList.Add("-c");
            // A line of its own, so that a command ending in a comment or a here-document is unchanged.
            info.ArgumentList.Add(stderr == SubprocessStdio.Stdout ? "exec 2>&1\n" + command : command);
        }
        return Task.FromResult(Start(loop, info, stdin, stdout, stderr, cwd, env, limit));
    }

    private static void CheckCommon(EventLoop loop, SubprocessStdio stdin, SubprocessStdio stdout, SubprocessStdio stderr, IReadOnlyDictionary<string, string>? env, int limit, string operation)
    {
        CheckStdio(stdin, nameof(stdin), allowStdout: false);
        CheckStdio(stdout, nameof(stdout), allowStdout: false);
        CheckStdio(stderr, nameof(stderr), allowStdout: true);
        if (stderr == SubprocessStdio.Stdout && OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("stderr=STDOUT needs /bin/sh to join the streams.");
        if (env is not null)
        {
            foreach (var (name, value) in env)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('=') || value is null)
                    throw new ArgumentException($"Bad environment entry: '{name}'.", nameof(env));
            }
        }
        // asyncio checks the limit in StreamReader(), after the child started: here before.
        if (limit <= 0)
            ThrowHelper.StreamLimit();
        loop.CheckClosed();
        loop.CheckThread(operation);
    }

    private static void CheckStdio(SubprocessStdio value, string name, bool allowStdout)
    {
        if (!Enum.IsDefined(value) || (value == SubprocessStdio.Stdout && !allowStdout))
            throw new ArgumentOutOfRangeException(name, value, $"{name} cannot be {value}: STDOUT is for stderr only.");
    }

    // Everything that can refuse has refused: from Process.Start on, a failure kills the child.
    private static Subprocess Start(EventLoop loop, ProcessStartInfo info, SubprocessStdio stdin, SubprocessStdio stdout, SubprocessStdio stderr, string? cwd, IReadOnlyDictionary<string, string>? env, int limit)
    {
        info.UseShellExecute = false;
        info.RedirectStandardInput = stdin != SubprocessStdio.Inherit;
        info.RedirectStandardOutput = stdout != SubprocessStdio.Inherit;
        info.RedirectStandardError = stderr is SubprocessStdio.Pipe or SubprocessStdio.DevNull;
        if (cwd is not null)
            info.WorkingDirectory = cwd;
        if (env is not null)
        {
            info.Environment.Clear();
            foreach (var (name, value) in env)
                info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        var transports = new List<StreamTransport>();
        try
        {
            LoopStreamWriter? stdinWriter = null;
            LoopStreamReader? stdoutReader = null, stderrReader = null;
            if (stdin == SubprocessStdio.Pipe)
            {
                var transport = new PipeTransport(loop, process.StandardInput.BaseStream, null);
                transports.Add(transport);
                stdinWriter = new LoopStreamWriter(transport, null);
            }
            else if (stdin == SubprocessStdio.DevNull)
            {
                process.StandardInput.Close();
            }
            if (stdout == SubprocessStdio.Pipe)
                stdoutReader = OpenPipeReader(loop, process.StandardOutput.BaseStream, limit, transports);
            else if (stdout == SubprocessStdio.DevNull)
                _ = DiscardAsync(process.StandardOutput.BaseStream);
            if (stderr == SubprocessStdio.Pipe)
                stderrReader = OpenPipeReader(loop, process.StandardError.BaseStream, limit, transports);
            else if (stderr == SubprocessStdio.DevNull)
                _ = DiscardAsync(process.StandardError.BaseStream);
            return new Subprocess(loop, process, stdinWriter, stdoutReader, stderrReader, transports);
        }
        catch
        {
            foreach (var transport in transports)
                transport.Abort();
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception)
            {
                // Already gone: nothing is left running either way.
            }
            process.Dispose();
            throw;
        }
    }

    // DEVNULL for output: read and drop on the thread pool, off the loop, so the child never blocks on a full pipe.
    private static async Task DiscardAsync(Stream stream)
    {
        try
        {
            await stream.CopyToAsync(Stream.Null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The child or this process closed the pipe: nothing more to drop.
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static LoopStreamReader OpenPipeReader(EventLoop loop, Stream stream, int limit, List<StreamTransport> transports)
    {
        var reader = new LoopStreamReader(limit, loop);
        var transport = new PipeTransport(loop, stream, reader);
        transports.Add(transport);
        transport.Start();
        return reader;
    }
}

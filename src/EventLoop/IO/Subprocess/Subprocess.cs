using System.Diagnostics;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A child process whose pipes are loop streams: asyncio's <c>asyncio.subprocess.Process</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.subprocess.Process</c>, made by <see cref="Subprocesses.CreateSubprocessExecAsync(EventLoop, string, string[])"/>.</para>
/// <para><see cref="Stdin"/>, <see cref="Stdout"/> and <see cref="Stderr"/> are the pipes that
/// were requested (<see langword="null"/> otherwise). Reading both output pipes while writing the
/// input, or <see cref="CommunicateAsync"/>, avoids the deadlock of a child blocked on a full pipe.</para>
/// <para>Loop-affine: while its loop runs, <see cref="WaitAsync"/>, <see cref="CommunicateAsync"/>
/// and the disposals called from another thread throw <see cref="InvalidOperationException"/>
/// before anything starts. <see cref="Kill"/>, <see cref="Terminate"/> and <see cref="SendSignal"/>
/// are safe from any thread (they only signal the child).</para>
/// <para>Disposing kills a child still running and closes its pipes, so that no child outlives
/// a <c>using</c> block (asyncio has no such cleanup: its transports warn when collected open).</para>
/// </remarks>
public sealed class Subprocess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly StreamTransport? _stdinTransport;
    private readonly List<StreamTransport> _transports;
    // Watched from the start, as asyncio's child watcher does: returncode is set when the loop
    // sees the exit, and the running child counts as real work, so a virtual clock does not
    // jump while it runs.
    private readonly Future<int> _exit;

    internal Subprocess(EventLoop loop, Process process, LoopStreamWriter? stdin, LoopStreamReader? stdout, LoopStreamReader? stderr, List<StreamTransport> transports)
    {
        Loop = loop;
        _process = process;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        _stdinTransport = stdin?.Transport;
        _transports = transports;
        var exit = new Asyncio.Internal.ExternalFuture<int>(loop);
        exit.Attach(WaitForExitCodeAsync(process), null, uncountOnCancel: true, real: true);
        _exit = exit;
    }

    /// <summary>The loop the process's streams belong to.</summary>
    public EventLoop Loop { get; }

    /// <summary>The child's standard input, when piped: asyncio's <c>process.stdin</c>.</summary>
    public LoopStreamWriter? Stdin { get; }

    /// <summary>The child's standard output, when piped: asyncio's <c>process.stdout</c>.</summary>
    public LoopStreamReader? Stdout { get; }

    /// <summary>The child's standard error, when piped: asyncio's <c>process.stderr</c>.</summary>
    public LoopStreamReader? Stderr { get; }

    /// <summary>The process id: asyncio's <c>process.pid</c>.</summary>
    public int Pid => _process.Id;

    /// <summary>The exit code once the loop has seen the process exit, else <see langword="null"/>: asyncio's <c>process.returncode</c>.</summary>
    /// <remarks>asyncio: <c>process.returncode</c>. Differs from asyncio: a process killed by a signal has .NET's code (128 + the signal number), not the negative signal number.</remarks>
    public int? ReturnCode => _exit is { Done: true, Cancelled: false } exit && exit.Exception() is null ? exit.Result() : null;

    /// <summary>Waits for the process to exit and returns its exit code: asyncio's <c>await process.wait()</c>.</summary>
    /// <remarks>asyncio: <c>process.wait()</c>. Cancelling the wait does not kill the process.</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the process keeps running.</param>
    public Task<int> WaitAsync(CancellationToken cancellationToken = default)
    {
        Loop.CheckThread(nameof(WaitAsync));
        return WaitCoreAsync(cancellationToken);
    }

    private async Task<int> WaitCoreAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Shield: a cancelled waiter must not cancel the shared exit Future.
        var shielded = Loop.Shield(_exit);
        using var registration = Internal.TokenCancellation.Register(shielded, cancellationToken);
        return await shielded;
    }

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Sends <paramref name="input"/> to stdin, closes it, reads stdout and stderr to their end and waits for the exit: asyncio's <c>await process.communicate(input)</c>.</summary>
    /// <remarks>asyncio: <c>process.communicate(input=None)</c>. Returns the output of the pipes that were requested, empty arrays for the others.</remarks>
    /// <param name="input">Bytes for stdin, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread: the feeding and reading tasks are cancelled; the process keeps running.</param>
    public Task<(byte[] Stdout, byte[] Stderr)> CommunicateAsync(byte[]? input = null, CancellationToken cancellationToken = default)
    {
        Loop.CheckThread(nameof(CommunicateAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(byte[], byte[])>(cancellationToken);
        return CommunicateCoreAsync(input, cancellationToken);
    }

    private async Task<(byte[] Stdout, byte[] Stderr)> CommunicateCoreAsync(byte[]? input, CancellationToken cancellationToken)
    {
        var feeding = Loop.CreateTask(async () =>
        {
            if (Stdin is null)
                return;
            if (input is not null)
            {
                Stdin.Write(input);
                try
                {
                    await Stdin.DrainAsync();
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    // asyncio ignores BrokenPipeError and ConnectionResetError here.
                }
            }
            Stdin.Close();
        });
        var stdout = Loop.CreateTask(() => Stdout?.ReadAsync() ?? Task.FromResult(Array.Empty<byte>()));
        var stderr = Loop.CreateTask(() => Stderr?.ReadAsync() ?? Task.FromResult(Array.Empty<byte>()));
        // The token cancels the three tasks, as cancelling the awaiting task cancels what it awaits.
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s =>
            {
                var (loop, tasks) = ((EventLoop, LoopTask[]))s!;
                loop.CallSoonThreadsafe(() =>
                {
                    foreach (var task in tasks)
                        task.Cancel();
                });
            }, (Loop, new LoopTask[] { feeding, stdout, stderr }))
            : default;
        await feeding;
        var output = await stdout;
        var errors = await stderr;
        await WaitCoreAsync(cancellationToken);
        return (output, errors);
    }

    /// <summary>Kills the process (SIGKILL on Unix, TerminateProcess on Windows): asyncio's <c>process.kill()</c>.</summary>
    /// <remarks>asyncio: <c>process.kill()</c>. Does nothing once the process has exited, as asyncio's <c>Popen.send_signal</c> after <c>poll()</c>.</remarks>
    public void Kill()
    {
        if (HasExited)
            return;
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    /// <summary>Asks the process to end (SIGTERM on Unix; on Windows, as asyncio, it is killed): asyncio's <c>process.terminate()</c>.</summary>
    /// <remarks>asyncio: <c>process.terminate()</c>. Does nothing once the process has exited.</remarks>
    public void Terminate()
    {
        if (OperatingSystem.IsWindows())
            Kill();
        else
            SendSignal(SigTerm);
    }

    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Sends the signal numbered <paramref name="signal"/> (e.g. 15 for SIGTERM, 2 for SIGINT) to the process: asyncio's <c>process.send_signal(signal)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>process.send_signal(signal)</c>. Does nothing once the process has exited. On
    /// Windows, as asyncio, only SIGTERM (15) and SIGKILL (9) are supported (both kill); another
    /// number throws <see cref="ArgumentException"/> ("Unsupported signal: N").
    /// </remarks>
    /// <param name="signal">The POSIX signal number (not a <see cref="System.Runtime.InteropServices.PosixSignal"/> value, whose numbers are .NET's own).</param>
    public void SendSignal(int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            if (signal is not (SigTerm or SigKill))
                ThrowHelper.UnsupportedSignal(signal);
            Kill();
            return;
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signal);
        if (HasExited)
            return;
        Libc.Kill(_process.Id, signal); // false: it exited meanwhile, as above
    }

    // .NET reaps the child itself, so once it says exited the pid may be another process's: never signal it.
    private bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true; // disposed
            }
        }
    }

    /// <summary>Kills the process if it still runs, waits for its exit, and closes its pipes; asyncio has no twin (see the class remarks).</summary>
    /// <remarks>Idempotent. Pipes are aborted: output not yet read is dropped.</remarks>
    public ValueTask DisposeAsync()
    {
        // Refused at the call, before anything is killed: not inside the returned ValueTask.
        Loop.CheckThread(nameof(DisposeAsync));
        return _disposed ? ValueTask.CompletedTask : DisposeCoreAsync();
    }

    private async ValueTask DisposeCoreAsync()
    {
        Kill();
        if (!Loop.IsClosed)
            await WaitCoreAsync(CancellationToken.None);
        Release();
    }

    /// <summary>Kills the process if it still runs and closes its pipes, without waiting; asyncio has no twin (see the class remarks).</summary>
    /// <remarks>Idempotent. Pipes are aborted: output not yet read is dropped. <see cref="ReturnCode"/> is set when the loop sees the exit, as without disposal.</remarks>
    public void Dispose()
    {
        Loop.CheckThread(nameof(Dispose));
        Release();
    }

    private void Release()
    {
        if (_disposed)
            return;
        _disposed = true;
        Kill();
        foreach (var transport in _transports)
            transport.Abort();
    }

    private bool _disposed;

    /// <summary>Number of the process's pipes still open (tests).</summary>
    internal int OpenPipeCount => _transports.Count(t => !t.IsLost);

    /// <summary>asyncio's repr: <c>&lt;Subprocess 1234&gt;</c>.</summary>
    public override string ToString() => $"<Subprocess {Pid}>";
}

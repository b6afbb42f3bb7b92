using System.Diagnostics;

namespace Asyncio;

/// <summary>A child process whose pipes are loop streams: asyncio's <c>asyncio.subprocess.Process</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.subprocess.Process</c>, made by <see cref="Subprocesses.CreateSubprocessExecAsync(EventLoop, string, string[])"/>.</para>
/// <para><see cref="Stdin"/>, <see cref="Stdout"/> and <see cref="Stderr"/> are the pipes that
/// were requested (<see langword="null"/> otherwise). Reading both output pipes while writing the
/// input, or <see cref="CommunicateAsync"/>, avoids the deadlock of a child blocked on a full pipe.</para>
/// <para>Loop-affine: while its loop runs, <see cref="WaitAsync"/> and <see cref="CommunicateAsync"/>
/// called from another thread throw <see cref="InvalidOperationException"/> before anything
/// starts. <see cref="Kill"/> and <see cref="Terminate"/> are safe from any thread (they only
/// signal the child).</para>
/// </remarks>
public sealed class Subprocess
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

    /// <summary>Kills the process (SIGKILL): asyncio's <c>process.kill()</c>.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Sends SIGTERM when the platform allows, else kills: asyncio's <c>process.terminate()</c>.</summary>
    /// <remarks>Differs from asyncio: .NET has no portable way to send SIGTERM; this is <see cref="Kill"/>.</remarks>
    public void Terminate() => _process.Kill();

    /// <summary>Number of the process's pipes still open (tests).</summary>
    internal int OpenPipeCount => _transports.Count(t => !t.IsLost);

    /// <summary>asyncio's repr: <c>&lt;Subprocess 1234&gt;</c>.</summary>
    public override string ToString() => $"<Subprocess {Pid}>";
}

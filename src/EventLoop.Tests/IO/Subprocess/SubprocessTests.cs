using System.Text;

namespace Asyncio.Tests.Subprocess;

/// <summary>Real child processes (<c>/bin/echo</c>, <c>/bin/cat</c>, <c>/bin/sh</c>) with their pipes as loop streams.</summary>
public class SubprocessTests : LoopTest
{
    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    [Fact]
    public void Echo_OutputReadToEof_AndExitCodeZero()
    {
        var loop = NewRealLoop();
        var (output, code, returnCode, openPipes) = Run(loop, async () =>
        {
            var process = await loop.CreateSubprocessExecAsync("/bin/echo", "hello", "world");
            Assert.Null(process.ReturnCode);
            var output = await process.Stdout!.ReadAsync();
            var code = await process.WaitAsync();
            await process.Stderr!.ReadAsync();
            process.Stdin!.Close();
            await process.Stdin.WaitClosedAsync();
            return (S(output), code, process.ReturnCode, process.OpenPipeCount);
        });
        Assert.Equal("hello world\n", output);
        Assert.Equal(0, code);
        Assert.Equal(0, returnCode);
        Assert.Equal(0, openPipes);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Cat_LinesWrittenToStdin_ComeBackOnStdoutOneByOne()
    {
        var loop = NewRealLoop();
        var lines = Run(loop, async () =>
        {
            var process = await loop.CreateSubprocessExecAsync("/bin/cat");
            var lines = new List<string>();
            foreach (var word in new[] { "one", "two", "three" })
            {
                process.Stdin!.Write(Encoding.ASCII.GetBytes(word + "\n"));
                await process.Stdin.DrainAsync();
                lines.Add(S(await process.Stdout!.ReadLineAsync()));
            }
            process.Stdin!.Close();
            Assert.Empty(await process.Stdout!.ReadAsync());
            await process.Stderr!.ReadAsync();
            Assert.Equal(0, await process.WaitAsync());
            return lines;
        });
        Assert.Equal(["one\n", "two\n", "three\n"], lines);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Communicate_FeedsInputAndCollectsBothPipesAndTheExitCode()
    {
        var loop = NewRealLoop();
        var (output, errors, code) = Run(loop, async () =>
        {
            var process = await loop.CreateSubprocessExecAsync("/bin/sh", "-c", "cat; echo oops >&2; exit 3");
            var (output, errors) = await process.CommunicateAsync(Encoding.ASCII.GetBytes("piped in"));
            return (S(output), S(errors), process.ReturnCode);
        });
        Assert.Equal("piped in", output);
        Assert.Equal("oops\n", errors);
        Assert.Equal(3, code);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void CreateSubprocessExec_MissingProgram_Throws()
    {
        var loop = NewRealLoop();
        Run(loop, () => Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => loop.CreateSubprocessExecAsync("/nonexistent/program")));
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Shell_WithCwdAndEnv_RunsInThatDirectoryWithExactlyThatEnvironment()
    {
        var loop = NewRealLoop();
        var directory = Directory.CreateTempSubdirectory("eventloop-cwd-");
        try
        {
            var output = Run(loop, async () =>
            {
                var env = new Dictionary<string, string> { ["GREETING"] = "hi there" };
                var process = await loop.CreateSubprocessShellAsync("echo \"$GREETING\"; echo \"${HOME:-no home}\"; pwd -P", cwd: directory.FullName, env: env);
                var (output, _) = await process.CommunicateAsync();
                return S(output);
            });
            var expected = new DirectoryInfo(directory.FullName).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory.FullName;
            Assert.Equal($"hi there\nno home\n{expected}\n", output);
        }
        finally
        {
            directory.Delete();
        }
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Exec_StderrToStdout_BothStreamsArriveInOrderOnStdout()
    {
        var loop = NewRealLoop();
        var (output, stderr, code) = Run(loop, async () =>
        {
            var process = await loop.CreateSubprocessExecAsync("/bin/sh", ["-c", "echo out; echo err >&2; echo out2; exit 4"], stderr: SubprocessStdio.Stdout);
            var (output, _) = await process.CommunicateAsync();
            return (S(output), process.Stderr, process.ReturnCode);
        });
        Assert.Equal("out\nerr\nout2\n", output);
        Assert.Null(stderr);
        Assert.Equal(4, code);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Shell_StderrToStdout_JoinsTheStreams()
    {
        var loop = NewRealLoop();
        var output = Run(loop, async () =>
        {
            var process = await loop.CreateSubprocessShellAsync("echo a; echo b >&2", stdin: SubprocessStdio.DevNull, stderr: SubprocessStdio.Stdout);
            Assert.Null(process.Stdin);
            return S((await process.CommunicateAsync()).Stdout);
        });
        Assert.Equal("a\nb\n", output);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void DevNull_StdinReadsEofAndOutputIsDropped()
    {
        var loop = NewRealLoop();
        var (stdinNull, stdoutNull, stderr, code) = Run(loop, async () =>
        {
            // cat ends at once on an empty stdin; what it would print goes nowhere.
            var process = await loop.CreateSubprocessShellAsync("cat; echo dropped; echo kept >&2", stdin: SubprocessStdio.DevNull, stdout: SubprocessStdio.DevNull);
            var stderr = await process.Stderr!.ReadAsync();
            var code = await process.WaitAsync();
            return (process.Stdin is null, process.Stdout is null, S(stderr), code);
        });
        Assert.True(stdinNull);
        Assert.True(stdoutNull);
        Assert.Equal("kept\n", stderr);
        Assert.Equal(0, code);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void TerminateAndSendSignal_EndTheChildWithThatSignal_AndAreNoOpsOnceItExited()
    {
        var loop = NewRealLoop();
        var (terminated, interrupted) = Run(loop, async () =>
        {
            var first = await loop.CreateSubprocessExecAsync("sleep", ["30"], stdin: SubprocessStdio.DevNull, stdout: SubprocessStdio.DevNull, stderr: SubprocessStdio.DevNull);
            first.Terminate();
            var terminated = await first.WaitAsync();
            first.Terminate(); // exited: nothing happens
            first.Kill();
            first.SendSignal(2);
            var second = await loop.CreateSubprocessExecAsync("sleep", ["30"], stdin: SubprocessStdio.Inherit, stdout: SubprocessStdio.Inherit, stderr: SubprocessStdio.Inherit);
            second.SendSignal(2);
            var interrupted = await second.WaitAsync();
            return (terminated, interrupted);
        });
        // .NET's exit code for a signal: 128 + the number (asyncio: the negative number).
        Assert.Equal(128 + 15, terminated);
        Assert.Equal(128 + 2, interrupted);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void DisposeAsync_ChildStillRunning_KillsItWaitsAndClosesThePipes()
    {
        var loop = NewRealLoop();
        var (code, openPipes) = Run(loop, async () =>
        {
            Asyncio.Subprocess process;
            await using (process = await loop.CreateSubprocessExecAsync("sleep", "30"))
            {
                Assert.Null(process.ReturnCode);
            }
            return (process.ReturnCode, process.OpenPipeCount);
        });
        Assert.Equal(128 + 9, code);
        Assert.Equal(0, openPipes);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Create_BadArguments_ThrowAtTheCallAndStartNoChild()
    {
        var loop = NewRealLoop();
        string marker = Path.Combine(Path.GetTempPath(), "eventloop-checkfirst-" + Guid.NewGuid().ToString("N"));
        string touch = $"touch '{marker}'";
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateSubprocessShellAsync(touch, limit: 0); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateSubprocessShellAsync(touch, stdin: SubprocessStdio.Stdout); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateSubprocessShellAsync(touch, stdout: SubprocessStdio.Stdout); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateSubprocessShellAsync(touch, stderr: (SubprocessStdio)42); });
        Assert.Throws<ArgumentException>(() => { _ = loop.CreateSubprocessShellAsync(touch, env: new Dictionary<string, string> { ["A=B"] = "c" }); });
        Assert.Throws<ArgumentException>(() => { _ = loop.CreateSubprocessExecAsync("touch", [marker], env: new Dictionary<string, string> { [""] = "c" }); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateSubprocessShellAsync(null!); });
        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            Assert.True(loop.CreateSubprocessShellAsync(touch, cancellationToken: cts.Token).IsCanceled);
        }
        loop.Close();
        Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateSubprocessShellAsync(touch); });
        // A child started by any of these would have run touch: a new loop gives it time and then
        // runs one that must, as the control.
        var second = NewRealLoop();
        Run(second, async () =>
        {
            await second.Sleep(0.3);
            var control = await second.CreateSubprocessShellAsync($"touch '{marker}.control'", stdin: SubprocessStdio.DevNull);
            await control.CommunicateAsync();
        });
        Assert.False(File.Exists(marker));
        Assert.True(File.Exists(marker + ".control"));
        File.Delete(marker + ".control");
    }
}

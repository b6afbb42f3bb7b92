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
        Assert.Equal(0, loop.OpenTransportCount);
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
        Assert.Equal(0, loop.OpenTransportCount);
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
        Assert.Equal(0, loop.OpenTransportCount);
    }

    [Fact]
    public void CreateSubprocessExec_MissingProgram_Throws()
    {
        var loop = NewRealLoop();
        Run(loop, () => Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => loop.CreateSubprocessExecAsync("/nonexistent/program")));
        Assert.Equal(0, loop.OpenTransportCount);
    }
}

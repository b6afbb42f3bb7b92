using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Asyncio.Tests.Signals;

/// <summary>Signal handlers run on the loop. The signal used is SIGWINCH, whose default action is to do nothing, so a bug cannot end the test run.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SignalHandlerTests : LoopTest
{
    private static void SendToSelf(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", [$"-{signal}", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    [Fact]
    public void AddSignalHandler_SignalArrives_CallbackRunsOnTheLoopThread()
    {
        var loop = NewRealLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        var (ranOnLoop, removed, removedAgain) = Run(loop, async () =>
        {
            var received = loop.CreateFuture<bool>();
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () =>
            {
                if (!received.Done)
                    received.SetResult(Environment.CurrentManagedThreadId == loopThread);
            });
            SendToSelf("WINCH");
            var ranOnLoop = await received;
            return (ranOnLoop, loop.RemoveSignalHandler(PosixSignal.SIGWINCH), loop.RemoveSignalHandler(PosixSignal.SIGWINCH));
        });
        Assert.True(ranOnLoop);
        Assert.True(removed);
        Assert.False(removedAgain);
    }

    [Fact]
    public void AddSignalHandler_Twice_TheSecondReplacesTheFirst()
    {
        var loop = NewRealLoop();
        var log = Run(loop, async () =>
        {
            var log = new List<string>();
            var received = loop.CreateFuture<bool>();
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () => log.Add("first"));
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () =>
            {
                log.Add("second");
                if (!received.Done)
                    received.SetResult(true);
            });
            SendToSelf("WINCH");
            await received;
            await loop.Sleep(0.05);
            loop.RemoveSignalHandler(PosixSignal.SIGWINCH);
            return log;
        });
        Assert.Equal(["second"], log);
    }
}

namespace Asyncio.Tests.Core;

/// <summary>The interop acceptance program: any awaitable, TimeSpan, a token, AsTask and the public pump, with the lines it must print.</summary>
public class InteropAcceptanceTests
{
    [Fact]
    public void AcceptanceProgram_PrintsTheLinesItPromises()
    {
        // The program's own text, with one local named Console so that what it prints is captured
        // without touching the process-wide Console (other test classes run in parallel).
        var Console = new StringWriter { NewLine = "\n" };

        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var queue = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            loop.CallLater(TimeSpan.FromSeconds(0.25), () => queue.PutNowait(1));
            Console.WriteLine(await loop.WaitFor(queue.GetAsync(), 1.0));                  // 1
            try { await loop.WaitFor(queue.GetAsync(), TimeSpan.FromSeconds(0.5)); }
            catch (TimeoutException) { Console.WriteLine("timeout at " + loop.Time()); }   // timeout at 0.75
            queue.PutNowait(2);
            Console.WriteLine(queue.GetNowait());                                          // 2
            using var cts = new CancellationTokenSource();
            loop.CallLater(0.25, cts.Cancel);
            try { await queue.GetAsync(cts.Token); }
            catch (OperationCanceledException) { Console.WriteLine("cancelled at " + loop.Time()); } // cancelled at 1
            Task<int> t = loop.CreateTask(async () => { await loop.Sleep(TimeSpan.FromSeconds(1)); return 3; }).AsTask();
            Console.WriteLine(await t);                                                    // 3
        });
        loop.RunUntilComplete(loop.Sleep(0.5));
        loop.CallSoon(() => Console.WriteLine("pumped"));
        loop.RunOnce(TimeSpan.Zero);                                                       // pumped

        Assert.Equal(["1", "timeout at 0.75", "2", "cancelled at 1", "3", "pumped"],
            Console.ToString().TrimEnd('\n').Split('\n'));
        Assert.Equal(2.5, loop.Time());
        Assert.Equal(0, queue.Count); // nothing lost, no getter left behind
        loop.Close();
    }
}

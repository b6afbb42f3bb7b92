namespace Asyncio.Tests.Core;

// Under virtual time the loop counts the real time it waits on real work (a thread-pool job) while a
// timer is pending, and jumps once that reaches the timer. A timer scheduled later, shorter than what
// was already waited, must jump at once: the remaining wait was negative, which Monitor.Wait refused
// (ArgumentOutOfRangeException) and epoll_wait took as "forever".
public sealed class RealWorkUnderVirtualTimeTests : LoopTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShorterTimer_AfterRealWaitLongerThanIt_JumpsInsteadOfWaiting(bool selector)
    {
        var loop = Track(new EventLoop(new EventLoopOptions { VirtualTime = true, UseSelector = selector }));
        if (selector && OperatingSystem.IsLinux())
            Assert.NotNull(loop.Selector); // made now, so that phase 2 blocks in epoll_wait
        using var gate = new ManualResetEventSlim();
        bool let = loop.RunUntilComplete(async () =>
        {
            loop.CallLater(10, () => { }); // a timer pending: the loop counts the real time it waits on real work
            await loop.ToThread(() => Thread.Sleep(20)); // at least 20 ms of real waiting
            var second = loop.ToThread(() => gate.Wait(TimeSpan.FromSeconds(10))); // real work in flight, that ends only when let (true) or after 10 s (false)
            await loop.Sleep(0.001); // shorter than the real time already waited: the clock jumps
            gate.Set();
            return await second;
        });
        Assert.True(let, "the loop waited for the real work to end before it jumped");
        Assert.Equal(0.001, loop.Time());
    }
}

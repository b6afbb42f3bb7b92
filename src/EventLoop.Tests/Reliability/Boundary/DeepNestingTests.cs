using System.Diagnostics;
using Xunit.Abstractions;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// Deep nesting: awaiters resumed one inside another never overflow, and the
/// stack guard's error comes out of a deep nest with a short trace, quickly.
/// </summary>
/// <remarks>
/// Each runs on a thread of its own with a known stack, so that a regression fails there rather
/// than ending the test host.
/// </remarks>
public class DeepNestingTests(ITestOutputHelper output)
{
    private static void OnStack(int bytes, Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, maxStackSize: bytes);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "the nesting did not finish");
        if (error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    private static int s_deepest;

    private static async Coroutine Depth(int n)
    {
        s_deepest = Math.Max(s_deepest, n);
        await Depth(n + 1);
    }

    // Python raises RecursionError and unwinds at once. The guard's error used to be rethrown
    // with its trace at every level, each copy longer than the last: 27,000 levels took 90 s.
    [Fact]
    public void CoroutineNestingPastTheStack_GuardErrorUnwindsWithAShortTrace()
    {
        OnStack(4 * 1024 * 1024, () =>
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            s_deepest = 0;
            var watch = Stopwatch.StartNew();
            var error = Assert.Throws<InsufficientExecutionStackException>(() => loop.RunUntilComplete(loop.CreateTask(Depth(0))));
            output.WriteLine($"guard fired {s_deepest} deep; unwound in {watch.ElapsedMilliseconds} ms; trace {error.StackTrace?.Length} chars");
            Assert.InRange(s_deepest, 1_000, 1_000_000);
            Assert.InRange(error.StackTrace?.Length ?? 0, 0, 20_000);
        });
    }

    private static async Task<int> Ladder(EventLoop loop, int n)
    {
        await loop.Sleep(0);
        if (n == 0)
        {
            await loop.Sleep(1);
            return 0;
        }
        return 1 + await Ladder(loop, n - 1);
    }

    // 100,000 async Task methods, each awaiting the next, all resumed when the innermost
    // returns: .NET runs each continuation inline until its stack check fails, then posts it
    // to the task's context, which queues it as the task's next step.
    [Fact]
    public void AsyncTaskAwaitersResumedInline_100000Deep_DoNotOverflow()
    {
        OnStack(512 * 1024, () =>
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            Assert.Equal(100_000, loop.RunUntilComplete(loop.CreateTask(() => Ladder(loop, 100_000))));
            Assert.Equal(1, loop.Time());
        });
    }

    private static async Coroutine<int> CoroutineLadder(EventLoop loop, int n)
    {
        await loop.Sleep(0);
        if (n == 0)
        {
            await loop.Sleep(1);
            throw new InvalidOperationException("innermost");
        }
        return 1 + await CoroutineLadder(loop, n - 1);
    }

    // An ordinary error thrown 100,000 deep keeps its full trace through every level that awaits
    // it: only the guard's own error is thrown afresh.
    [Fact]
    public void OrdinaryErrorThrownDeep_KeepsItsOrigin()
    {
        OnStack(512 * 1024, () =>
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(loop.CreateTask(CoroutineLadder(loop, 200))));
            Assert.Equal("innermost", error.Message);
            Assert.Contains(nameof(CoroutineLadder), error.StackTrace);
        });
    }
}

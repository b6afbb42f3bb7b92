namespace Asyncio.Tests.Structured;

/// <summary>
/// <see cref="TaskGroup"/> and <see cref="TimeoutScope"/> used as objects (asyncio's
/// <c>__aenter__</c>/<c>__aexit__</c> as <c>EnterAsync</c>/<c>ExitAsync</c>, and <c>await using</c>),
/// against the lambda forms, which must behave the same.
/// </summary>
public class ScopeObjectTests : LoopTest
{
    private static async Task<string> Outcome(Func<Task> body)
    {
        try
        {
            await body();
            return "ok";
        }
        catch (Exception e)
        {
            return e.GetType().Name + (e is AggregateException a ? "[" + string.Join(",", a.InnerExceptions.Select(x => x.Message)) + "]" : "");
        }
    }

    [Fact]
    public void Timeout_AwaitUsingThatExpires_ThrowsTimeoutAtTheDeadline_AsTheLambdaForm()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            double t0 = loop.Time();
            var cm = loop.CreateTimeout(0.5);
            log.Add(await Outcome(async () =>
            {
                await using (await cm.EnterAsync())
                    await loop.Sleep(2);
            }));
            log.Add($"object {loop.Time() - t0} expired={cm.Expired} cancelling={loop.CurrentTask!.Cancelling}");
            TimeoutScope lambdaScope = null!;
            log.Add(await Outcome(() => loop.Timeout(0.5, async scope =>
            {
                lambdaScope = scope;
                await loop.Sleep(2);
            })));
            log.Add($"lambda {loop.Time() - t0} expired={lambdaScope.Expired} cancelling={loop.CurrentTask!.Cancelling}");
        });

        Assert.Equal(["TimeoutException", "object 0.5 expired=True cancelling=0",
            "TimeoutException", "lambda 1 expired=True cancelling=0"], log);
    }

    [Fact]
    public void Timeout_AwaitUsingWithAnOuterCancellationPending_LetsTheCancellationThrough()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(async () =>
            {
                await using (await loop.CreateTimeout(0.5).EnterAsync())
                    await loop.Sleep(2);
            });
            await loop.Sleep(0.5); // the deadline fires first in this iteration, then the cancel
            task.Cancel("outside");
            log.Add(await Outcome(async () => await task));
            log.Add($"cancelling={task.Cancelling} cancelled={task.Cancelled}");
        });

        Assert.Equal(["CancelledError", "cancelling=1 cancelled=True"], log);
    }

    // The documented limit of await using: DisposeAsync cannot see that the body swallowed the
    // scope's cancellation and finished, so it reads the passed deadline as the body's end.
    // ExitAsync(null), given the body's real outcome, lets it stand, as asyncio's __aexit__ does.
    [Fact]
    public void Timeout_BodySwallowsTheDeadlinesCancellation_AwaitUsingThrowsTimeout_ExitAsyncWithNullDoesNot()
    {
        var loop = NewLoop();
        var log = new List<string>();

        async Task SwallowingBody()
        {
            try
            {
                await loop.Sleep(2);
            }
            catch (CancelledError)
            {
                log.Add($"swallowed at {loop.Time()}");
            }
        }

        loop.RunUntilComplete(async () =>
        {
            log.Add(await Outcome(async () =>
            {
                await using (await loop.CreateTimeout(0.5).EnterAsync())
                    await SwallowingBody();
            }));
            var cm = await loop.CreateTimeout(0.5).EnterAsync();
            await SwallowingBody();
            log.Add(await Outcome(() => cm.ExitAsync(null).AsTask()));
            log.Add($"expired={cm.Expired} cancelling={loop.CurrentTask!.Cancelling}");
        });

        Assert.Equal(["swallowed at 0.5", "TimeoutException", "swallowed at 1", "ok", "expired=True cancelling=0"], log);
    }

    [Fact]
    public void Timeout_ExitRefusals_UseAsyncioStateWords_AndChangeNothing()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            var cm = loop.CreateTimeout(1);
            log.Add(Assert.Throws<InvalidOperationException>(() => cm.ExitAsync(null)).Message);
            await cm.DisposeAsync(); // never entered: nothing to do
            log.Add(cm.ToString());
            await cm.EnterAsync();
            log.Add(cm.ToString());
            await cm.ExitAsync(null);
            await cm.DisposeAsync(); // left already: nothing to do
            log.Add(Assert.Throws<InvalidOperationException>(() => cm.ExitAsync(null)).Message);
            log.Add(Assert.Throws<InvalidOperationException>(() => cm.EnterAsync()).Message);
        });

        Assert.Equal(["Timeout has not been entered", "<Timeout [created]>", "<Timeout [active] when=1.0>",
            "Cannot change state of finished Timeout", "Timeout has already been entered"], log);
    }

    [Fact]
    public void Timeout_EnterOutsideATask_Refuses_AndStaysCreated()
    {
        var loop = NewLoop();
        var cm = loop.CreateTimeout(1);

        var error = Assert.Throws<InvalidOperationException>(() => cm.EnterAsync());

        Assert.Equal("Timeout should be used inside a task", error.Message);
        Assert.Equal("<Timeout [created]>", cm.ToString());
    }

    [Fact]
    public void TaskGroup_AwaitUsingWhenAChildFails_ThrowsTheGroup_AsTheLambdaForm()
    {
        var loop = NewLoop();
        var log = new List<string>();

        async Task Body(TaskGroup tg)
        {
            _ = tg.CreateTask(async () =>
            {
                await loop.Sleep(0.25);
                throw new ArgumentException("child");
            });
            _ = tg.CreateTask(async () =>
            {
                try
                {
                    await loop.Sleep(5);
                }
                catch (CancelledError)
                {
                    log.Add($"sibling cancelled at {loop.Time()}");
                    throw;
                }
            });
            try
            {
                await loop.Sleep(5);
            }
            catch (CancelledError)
            {
                log.Add($"body cancelled at {loop.Time()}");
                throw;
            }
        }

        loop.RunUntilComplete(async () =>
        {
            log.Add(await Outcome(async () =>
            {
                await using var tg = await loop.CreateTaskGroup().EnterAsync();
                await Body(tg);
            }));
            log.Add($"cancelling={loop.CurrentTask!.Cancelling}");
            log.Add(await Outcome(() => loop.TaskGroup(Body)));
            log.Add($"cancelling={loop.CurrentTask!.Cancelling}");
        });

        // asyncio's _on_task_done: the group cancels its tasks, then the parent; each wakes in that order.
        Assert.Equal(["sibling cancelled at 0.25", "body cancelled at 0.25", "AggregateException[child]", "cancelling=0",
            "sibling cancelled at 0.5", "body cancelled at 0.5", "AggregateException[child]", "cancelling=0"], log);
    }

    [Fact]
    public void TaskGroup_AwaitUsingUnderAnOuterTimeout_AbortsItsTasksAtTheDeadline_AsTheLambdaForm()
    {
        var loop = NewLoop();
        var log = new List<string>();

        async Task Child()
        {
            try
            {
                await loop.Sleep(10);
            }
            catch (CancelledError)
            {
                log.Add($"child cancelled at {loop.Time()}");
                throw;
            }
        }

        loop.RunUntilComplete(async () =>
        {
            log.Add(await Outcome(() => loop.Timeout(0.5, async () =>
            {
                await using var tg = await loop.CreateTaskGroup().EnterAsync();
                _ = tg.CreateTask(Child);
                await loop.Sleep(10);
            })));
            log.Add(await Outcome(() => loop.Timeout(0.5, () => loop.TaskGroup(async tg =>
            {
                _ = tg.CreateTask(Child);
                await loop.Sleep(10);
            }))));
            log.Add($"at {loop.Time()} cancelling={loop.CurrentTask!.Cancelling}");
        });

        Assert.Equal(["child cancelled at 0.5", "TimeoutException", "child cancelled at 1", "TimeoutException", "at 1 cancelling=0"], log);
    }

    [Fact]
    public void TaskGroup_AwaitUsingInATaskThatSwallowedACancellationBefore_FinishesNormally()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            var self = loop.CurrentTask!;
            self.Cancel();
            try
            {
                await loop.Sleep(0);
            }
            catch (CancelledError)
            {
                log.Add("swallowed, no uncancel");
            }
            log.Add(await Outcome(async () =>
            {
                await using var tg = await loop.CreateTaskGroup().EnterAsync();
                _ = tg.CreateTask(async () => await loop.Sleep(0.25));
            }));
            log.Add($"at {loop.Time()} cancelling={self.Cancelling}");
        });

        Assert.Equal(["swallowed, no uncancel", "ok", "at 0.25 cancelling=1"], log);
    }

    [Fact]
    public void TaskGroup_ExitRefusals_UseAsyncioWords()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            var tg = loop.CreateTaskGroup();
            log.Add(Assert.Throws<InvalidOperationException>(() => tg.ExitAsync(null)).Message);
            await tg.DisposeAsync(); // never entered: nothing to do
            await tg.EnterAsync();
            await tg.ExitAsync(null);
            await tg.DisposeAsync(); // left already: nothing to do
            log.Add(Assert.Throws<InvalidOperationException>(() => tg.ExitAsync(null)).Message);
        });

        Assert.Equal(["TaskGroup <TaskGroup> has not been entered", "TaskGroup <TaskGroup entered> is finished"], log);
    }

    [Fact]
    public void TaskGroup_ExitWithTheBodysError_AbortsAndGroupsIt()
    {
        var loop = NewLoop();
        var log = new List<string>();

        loop.RunUntilComplete(async () =>
        {
            var tg = await loop.CreateTaskGroup().EnterAsync();
            var child = tg.CreateTask(async () => await loop.Sleep(5));
            log.Add(await Outcome(() => tg.ExitAsync(new ArgumentException("body")).AsTask()));
            log.Add($"child cancelled={child.Cancelled} at {loop.Time()}");
            var tg2 = await loop.CreateTaskGroup().EnterAsync();
            // A cancellation of the body: the group aborts, and the exit raises that cancellation (asyncio's propagate_cancellation_error).
            var child2 = tg2.CreateTask(async () => await loop.Sleep(5));
            log.Add(await Outcome(() => tg2.ExitAsync(new CancelledError()).AsTask()));
            log.Add($"child2 cancelled={child2.Cancelled} at {loop.Time()}");
        });

        Assert.Equal(["AggregateException[body]", "child cancelled=True at 0", "CancelledError", "child2 cancelled=True at 0"], log);
    }
}

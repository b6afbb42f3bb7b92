namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_timeouts.py</c>.</summary>
/// <remarks>
/// <para><c>async with asyncio.timeout(d) as cm:</c> is <c>await loop.Timeout(d, async cm =&gt; ...)</c>;
/// the body of CPython's <c>IsolatedAsyncioTestCase</c> runs as a task under
/// <c>loop.RunUntilComplete</c> on the virtual clock, so every time is exact.</para>
/// <para>Not ported: <c>test_nested_timeouts_concurrent</c> and <c>test_nested_timeouts_loop_busy</c>
/// (they block the thread with <c>time.sleep</c>, which virtual time cannot see);
/// <c>test_timeout_already_entered</c>, <c>test_timeout_double_enter</c> and
/// <c>test_timeout_not_entered</c> (a <see cref="TimeoutScope"/> can be neither made nor entered
/// by hand).</para>
/// </remarks>
public class PortedTimeoutTests : LoopTest
{
    // cpython: test_timeouts.py::TimeoutTests::test_timeout_basic
    [Fact]
    public void Timeout_BodyOutlivesDeadline_ThrowsTimeoutAndExpired()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(0.01, async scope =>
            {
                cm = scope;
                await loop.Sleep(10);
            }));
            Assert.True(cm.Expired);
            Assert.Equal(0.01, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_at_basic
    [Fact]
    public void TimeoutAt_BodyOutlivesDeadline_ThrowsTimeoutAndWhenIsDeadline()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            double deadline = 0;
            await Raises<TimeoutException>(() =>
            {
                deadline = loop.Time() + 0.01;
                return loop.TimeoutAt(deadline, async scope =>
                {
                    cm = scope;
                    await loop.Sleep(10);
                });
            });
            Assert.True(cm.Expired);
            Assert.Equal(deadline, cm.When);
            Assert.Equal(0.01, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_nested_timeouts
    [Fact]
    public void TimeoutAt_NestedSameDeadline_OnlyOutermostThrowsTimeout()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            bool cancelled = false;
            TimeoutScope cm1 = null!, cm2 = null!;
            await Raises<TimeoutException>(() =>
            {
                double deadline = loop.Time() + 0.01;
                return loop.TimeoutAt(deadline, async scope1 =>
                {
                    cm1 = scope1;
                    // Only the topmost context manager should raise TimeoutError
                    try
                    {
                        await loop.TimeoutAt(deadline, async scope2 =>
                        {
                            cm2 = scope2;
                            await loop.Sleep(10);
                        });
                    }
                    catch (CancelledError)
                    {
                        cancelled = true;
                        throw;
                    }
                });
            });
            Assert.True(cancelled);
            Assert.True(cm1.Expired);
            Assert.True(cm2.Expired);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_waiter_cancelled
    [Fact]
    public void Timeout_Expires_BodySeesCancelledError()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            bool cancelled = false;
            await Raises<TimeoutException>(() => loop.Timeout(0.01, async () =>
            {
                try
                {
                    await loop.Sleep(10);
                }
                catch (CancelledError)
                {
                    cancelled = true;
                    throw;
                }
            }));
            Assert.True(cancelled);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_not_called
    [Fact]
    public void Timeout_BodyEndsFirst_NotExpiredAndWhenInFuture()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await loop.Timeout(10, async scope =>
            {
                cm = scope;
                await loop.Sleep(0.01);
            });
            double t1 = loop.Time();

            Assert.False(cm.Expired);
            Assert.True(cm.When > t1);
            Assert.Equal(10.0, cm.When);
            Assert.Equal(0.01, t1);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_disabled
    [Fact]
    public void Timeout_Null_NeverExpiresWhenIsNull()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await loop.Timeout(null, async scope =>
            {
                cm = scope;
                await loop.Sleep(0.01);
            });

            Assert.False(cm.Expired);
            Assert.Null(cm.When);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_at_disabled
    [Fact]
    public void TimeoutAt_Null_NeverExpiresWhenIsNull()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await loop.TimeoutAt(null, async scope =>
            {
                cm = scope;
                await loop.Sleep(0.01);
            });

            Assert.False(cm.Expired);
            Assert.Null(cm.When);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_zero
    [Fact]
    public void Timeout_Zero_ExpiresAtOnce()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            double t0 = loop.Time();
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(0, async scope =>
            {
                cm = scope;
                await loop.Sleep(10);
            }));
            double t1 = loop.Time();
            Assert.True(cm.Expired);
            Assert.True(t0 <= cm.When && cm.When <= t1);
            Assert.Equal(0.0, t1);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_zero_sleep_zero
    [Fact]
    public void Timeout_ZeroAroundSleepZero_Expires()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            double t0 = loop.Time();
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(0, async scope =>
            {
                cm = scope;
                await loop.Sleep(0);
            }));
            double t1 = loop.Time();
            Assert.True(cm.Expired);
            Assert.True(t0 <= cm.When && cm.When <= t1);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_in_the_past_sleep_zero
    [Fact]
    public void Timeout_NegativeAroundSleepZero_ExpiresWhenInThePast()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            double t0 = loop.Time();
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(-11, async scope =>
            {
                cm = scope;
                await loop.Sleep(0);
            }));
            double t1 = loop.Time();
            Assert.True(cm.Expired);
            Assert.True(t0 >= cm.When && cm.When <= t1);
            Assert.Equal(-11.0, cm.When);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_foreign_exception_passed
    [Fact]
    public void Timeout_BodyThrowsOtherError_PassesThroughNotExpired()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await Raises<KeyNotFoundException>(() => loop.Timeout(0.01, async scope =>
            {
                cm = scope;
                await Task.CompletedTask;
                throw new KeyNotFoundException();
            }));
            Assert.False(cm.Expired);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_foreign_exception_on_timeout
    [Fact]
    public void Timeout_BodyThrowsOtherErrorWhileCancelled_ThatErrorWins()
    {
        var loop = NewLoop();

        async Task Crash()
        {
            try
            {
                await loop.Sleep(1);
            }
            finally
            {
                throw new DivideByZeroException();
            }
        }

        loop.RunUntilComplete(async () =>
        {
            await Raises<DivideByZeroException>(() => loop.Timeout(0.01, async () => await Crash()));
            Assert.Equal(0.01, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_foreign_cancel_doesnt_timeout_if_not_expired
    [Fact]
    public void Timeout_CancelledFromElsewhereBeforeDeadline_CancelledErrorNotTimeout()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await Raises<CancelledError>(() => loop.Timeout(10, async scope =>
            {
                cm = scope;
                loop.CurrentTask!.Cancel();
                await loop.Sleep(10);
            }));
            Assert.False(cm.Expired);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_outer_task_is_not_cancelled
    [Fact]
    public void Timeout_ExpiresInsideTask_TaskItselfNotCancelled()
    {
        var loop = NewLoop();

        async Task Outer()
        {
            await Raises<TimeoutException>(() => loop.Timeout(0.001, async () => await loop.Sleep(10)));
        }

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(Outer);
            await task;
            Assert.False(task.Cancelled);
            Assert.True(task.Done);
            Assert.Equal(0.001, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_reschedule
    [Fact]
    public void Reschedule_FromOtherTaskThenCancelled_WhenFollowsAndNotExpired()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var fut = loop.CreateFuture<TimeoutScope>();
            double deadline1 = loop.Time() + 10;
            double deadline2 = deadline1 + 20;

            async Task F()
            {
                await loop.TimeoutAt(deadline1, async scope =>
                {
                    fut.SetResult(scope);
                    await loop.Sleep(50);
                });
            }

            var task = loop.CreateTask(F);
            var cm = await fut;

            Assert.Equal(deadline1, cm.When);
            cm.Reschedule(deadline2);
            Assert.Equal(deadline2, cm.When);
            cm.Reschedule(null);
            Assert.Null(cm.When);

            task.Cancel();

            await Raises<CancelledError>(async () => await task);
            Assert.False(cm.Expired);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_repr_active
    [Fact]
    public void ToString_Active_ShowsWhen()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            await loop.Timeout(10, async cm =>
            {
                Assert.Matches(@"^<Timeout \[active\] when=\d+\.\d*>$", cm.ToString());
                await Task.CompletedTask;
            });
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_repr_expired
    [Fact]
    public void ToString_Expired_SaysExpired()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(0.01, async scope =>
            {
                cm = scope;
                await loop.Sleep(10);
            }));
            Assert.Equal("<Timeout [expired]>", cm.ToString());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_repr_finished
    [Fact]
    public void ToString_Finished_SaysFinished()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await loop.Timeout(10, async scope =>
            {
                cm = scope;
                await loop.Sleep(0);
            });

            Assert.Equal("<Timeout [finished]>", cm.ToString());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_repr_disabled
    [Fact]
    public void ToString_Disabled_ShowsWhenNone()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            await loop.Timeout(null, async cm =>
            {
                Assert.Equal("<Timeout [active] when=None>", cm.ToString());
                await Task.CompletedTask;
            });
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_nested_timeout_in_finally
    [Fact]
    public void Timeout_NestedInFinallyOfExpiredOne_BothThrowTimeout()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            await Raises<TimeoutException>(() => loop.Timeout(0.01, async () =>
            {
                try
                {
                    await loop.Sleep(1);
                }
                finally
                {
                    await Raises<TimeoutException>(() => loop.Timeout(0.01, async () => await loop.Sleep(10)));
                }
            }));
            Assert.Equal(0.02, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_after_cancellation
    [Fact]
    public void Timeout_AfterCaughtCancellation_StillThrowsTimeout()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            try
            {
                loop.CurrentTask!.Cancel();
                await loop.Sleep(1); // work which will be cancelled
            }
            catch (CancelledError)
            {
            }
            finally
            {
                await Raises<TimeoutException>(() => loop.Timeout(0.0, async () => await loop.Sleep(1))); // some cleanup
            }
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_cancel_in_timeout_after_cancellation
    [Fact]
    public void Timeout_CancelInsideAfterCaughtCancellation_ThrowsCancelledError()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            try
            {
                loop.CurrentTask!.Cancel();
                await loop.Sleep(1); // work which will be cancelled
            }
            catch (CancelledError)
            {
            }
            finally
            {
                await Raises<CancelledError>(() => loop.Timeout(1.0, async () =>
                {
                    loop.CurrentTask!.Cancel();
                    await loop.Sleep(2); // some cleanup
                }));
            }
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_exception_cause
    [Fact]
    public void Timeout_Expired_TimeoutCausedByCancelledError()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var exc = await Raises<TimeoutException>(() => loop.Timeout(0, async () => await loop.Sleep(1)));
            Assert.IsType<CancelledError>(exc.InnerException);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_finished
    [Fact]
    public void Reschedule_AfterScopeFinished_Throws()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await loop.Timeout(0.01, async scope =>
            {
                cm = scope;
                await Task.CompletedTask;
            });
            var error = Assert.Throws<InvalidOperationException>(() => cm.Reschedule(0.02));
            Assert.Contains("finished", error.Message);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_expired
    [Fact]
    public void Reschedule_AfterExpired_Throws()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            TimeoutScope cm = null!;
            await Raises<TimeoutException>(() => loop.Timeout(0.01, async scope =>
            {
                cm = scope;
                await loop.Sleep(1);
            }));
            var error = Assert.Throws<InvalidOperationException>(() => cm.Reschedule(0.02));
            Assert.Contains("expired", error.Message);
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_expiring
    [Fact]
    public void Reschedule_WhileExpiring_Throws()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            await loop.Timeout(0.01, async cm =>
            {
                await Raises<CancelledError>(async () => await loop.Sleep(1));
                var error = Assert.Throws<InvalidOperationException>(() => cm.Reschedule(0.02));
                Assert.Contains("expiring", error.Message);
            });
            Assert.Equal(0.01, loop.Time());
        });
    }

    // cpython: test_timeouts.py::TimeoutTests::test_timeout_without_task
    [Fact]
    public void Timeout_OutsideAnyTask_Throws()
    {
        var loop = NewLoop();
        Task? entered = null;
        // test_utils.await_without_task: enter from a plain callback, not from a task.
        loop.CallSoon(() => entered = loop.Timeout(0.01, () => Task.CompletedTask));

        RunOnce(loop);

        Assert.NotNull(entered);
        Assert.True(entered!.IsFaulted);
        var error = Assert.IsType<InvalidOperationException>(entered.Exception!.InnerException);
        Assert.Contains("task", error.Message);
    }
}

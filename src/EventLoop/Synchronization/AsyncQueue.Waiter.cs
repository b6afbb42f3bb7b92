using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using Asyncio.Internal;

namespace Asyncio;

public partial class AsyncQueue<T>
{
    /// <summary>One put or get that waits: the loop Future in the line, and what the caller's <c>await</c> waits on, in one object.</summary>
    /// <remarks>
    /// <para>asyncio's <c>put()</c> and <c>get()</c> are coroutines: <c>while self.full(): ...
    /// await putter</c>, then <c>put_nowait</c>. Written as C# <c>async</c> methods, each wait
    /// costs a state machine box, its continuation delegate and a task continuation besides the
    /// Future. Here the waiting put or get is this object instead: the Future the task awaits
    /// (so cancellation, dumps and the one-iteration wake-up are those of any loop Future) and
    /// the <see cref="IValueTaskSource{TResult}"/> behind the <see cref="ValueTask{TResult}"/>
    /// returned to the caller.</para>
    /// <para>It awaits its Future when it is made, as the <c>async</c> method did at its first
    /// <c>await</c>: inside a task, <see cref="Resume"/> becomes that task's next step once the
    /// Future is done. Resume does what asyncio's coroutine does after its <c>await</c>: on an
    /// exception, the <c>except</c> block that passes a wake-up on; while the queue is still
    /// full (empty), another wait with a new Future; else the <c>put_nowait</c>
    /// (<c>get_nowait</c>). Then it completes the ValueTask and, in the same step, resumes the
    /// caller awaiting it (posted instead when the caller awaits from another context).</para>
    /// <para>Invariant: <see cref="_completed"/> turns true once, in <see cref="Complete"/>;
    /// until then the ValueTask is pending, even after the Future is done. A ValueTask may be
    /// awaited once, so the token is always 0.</para>
    /// </remarks>
    private sealed class Waiter : WaiterFuture, IValueTaskSource<T>, IValueTaskSource, ITaskStep
    {
        private static readonly SendOrPostCallback s_runContinuation = static state => ((Waiter)state!).RunContinuation();

        private readonly AsyncQueue<T> _queue;
        private readonly bool _isPutter;
        private bool _completed;
        // A putter's item to put; a getter's item taken, until the caller reads it.
        private T _item;
        // The caller's await: its continuation, and the context to run it in (null: inline).
        private Action<object?>? _continuation;
        private object? _continuationState;
        private SynchronizationContext? _continuationContext;
        // Rare: the Future of a wait after the first (null: this one), and the error to rethrow.
        private Future<bool>? _current;
        private Exception? _error;

        /// <summary>Queues a waiter in <paramref name="line"/> and awaits its Future.</summary>
        public Waiter(EventLoop loop, AsyncQueue<T> queue, WaiterQueue line, bool isPutter, T item) : base(loop)
        {
            _queue = queue;
            _isPutter = isPutter;
            _item = item;
            line.Enqueue(this);
            AwaitFuture(this);
        }

        private WaiterQueue Line => _isPutter ? _queue._putters! : _queue._getters!;

        // asyncio's loop condition: `while self.full()` for put, `while self.empty()` for get.
        private bool MustWait => _isPutter ? _queue.Full : _queue.Empty;

        // What `await future` does, with Resume as the continuation: inside a task of this
        // loop, Resume becomes the task's next step and the task waits on the Future, so
        // cancelling the task cancels it.
        private void AwaitFuture(Future<bool> future) => future.OnAwait(this);

        void ITaskStep.RunStep() => Resume();

        private void Resume()
        {
            var future = _current ?? this;
            try
            {
                // Throws the waiter's cancellation, or the task's if it was cancelled after the wake-up.
                future.GetResultForAwait();
            }
            catch (Exception error)
            {
                // asyncio's `except:` block around `await putter` / `await getter`.
                future.Cancel(); // in case it is not done yet
                Line.Remove(future); // already gone if the other side or Shutdown popped it
                if (!MustWait && !future.Cancelled)
                    Line.PopAndWakeNext(); // woken, but not taking the slot or the item: pass it on
                Complete(error);
                return;
            }
            if (MustWait)
            {
                // Woken, but a put or get that did not wait got there first: back in line, at
                // the end, as asyncio's `while` loop does.
                if (_queue._isShutdown)
                {
                    Complete(new QueueShutDownError());
                    return;
                }
                var next = new WaiterFuture(Loop);
                Line.Enqueue(next);
                _current = next;
                AwaitFuture(next);
                return;
            }
            Exception? failed = null;
            try
            {
                if (_isPutter)
                {
                    _queue.PutNowait(_item); // throws QueueShutDownError once shut down
                    _item = default!;
                }
                else
                {
                    _item = _queue.GetNowait();
                }
            }
            catch (Exception error)
            {
                failed = error;
            }
            Complete(failed);
        }

        private void Complete(Exception? error)
        {
            _error = error;
            _completed = true;
            if (_continuation is null)
                return; // not awaited yet: the caller finds the ValueTask completed
            if (_continuationContext is { } context && !ReferenceEquals(context, SynchronizationContext.Current))
                context.Post(s_runContinuation, this);
            else
                RunContinuation();
        }

        private void RunContinuation()
        {
            var continuation = _continuation!;
            var state = _continuationState;
            _continuation = null;
            _continuationState = null;
            _continuationContext = null;
            continuation(state);
        }

        public ValueTaskSourceStatus GetStatus(short token)
        {
            if (!_completed)
                return ValueTaskSourceStatus.Pending;
            return _error switch
            {
                null => ValueTaskSourceStatus.Succeeded,
                OperationCanceledException => ValueTaskSourceStatus.Canceled,
                _ => ValueTaskSourceStatus.Faulted,
            };
        }

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            if (_continuation is not null)
                throw new InvalidOperationException("The ValueTask of a queue put or get can be awaited only once.");
            _continuation = continuation;
            _continuationState = state;
            if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0)
                _continuationContext = SynchronizationContext.Current;
            if (_completed)
                Complete(_error); // completed in between (only when awaited from another thread)
        }

        public T GetResult(short token)
        {
            if (!_completed)
                throw new InvalidOperationException("The queue put or get has not completed yet.");
            if (_error is not null)
                ExceptionDispatchInfo.Throw(_error);
            var item = _item;
            _item = default!;
            return item;
        }

        void IValueTaskSource.GetResult(short token) => GetResult(token);
    }
}

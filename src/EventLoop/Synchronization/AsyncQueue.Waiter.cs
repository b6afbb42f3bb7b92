using Asyncio.Internal;

namespace Asyncio;

public partial class AsyncQueue<T>
{
    /// <summary>One put or get that waits: the loop Future in the line, and what the caller's <c>await</c> waits on, in one object (see <see cref="ValueTaskWaiter{TResult}"/>).</summary>
    /// <remarks>
    /// <para>asyncio's <c>put()</c> and <c>get()</c>: <c>while self.full(): ... await putter</c>,
    /// then <c>put_nowait</c>. The waiter awaits its Future when it is made, as the coroutine
    /// does at its first <c>await</c>. <see cref="Resume"/> does what the coroutine does after
    /// that <c>await</c>: on an exception, the <c>except</c> block that passes a wake-up on;
    /// while the queue is still full (empty), another wait with a new Future; else the
    /// <c>put_nowait</c> (<c>get_nowait</c>).</para>
    /// </remarks>
    private sealed class Waiter : ValueTaskWaiter<T>
    {
        private readonly AsyncQueue<T> _queue;
        private readonly bool _isPutter;
        // Rare: the Future of a wait after the first (null: this one).
        private Future<bool>? _current;

        /// <summary>Queues a waiter in <paramref name="line"/> and awaits its Future.</summary>
        public Waiter(EventLoop loop, AsyncQueue<T> queue, WaiterQueue line, bool isPutter, T item, CancellationToken cancellationToken) : base(loop)
        {
            _queue = queue;
            _isPutter = isPutter;
            ResultSlot = item; // a putter's item, until it is put
            line.Enqueue(this);
            Await(this);
            CancelWhen(cancellationToken);
        }

        // The token cancels the Future in line now, which is a later one after a lost race.
        internal override void CancelIfPending()
        {
            var future = _current ?? this;
            if (!future.Done)
                future.Cancel();
        }

        private WaiterQueue Line => _isPutter ? _queue._putters! : _queue._getters!;

        // asyncio's loop condition: `while self.full()` for put, `while self.empty()` for get.
        private bool MustWait => _isPutter ? _queue.Full : _queue.Empty;

        protected override void Resume()
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
                Fail(error);
                return;
            }
            if (MustWait)
            {
                // Woken, but a put or get that did not wait got there first: back in line, at
                // the end, as asyncio's `while` loop does.
                if (_queue._isShutdown)
                {
                    Fail(new QueueShutDownError());
                    return;
                }
                var next = new WaiterFuture(Loop);
                Line.Enqueue(next);
                _current = next;
                Await(next);
                return;
            }
            T taken;
            try
            {
                if (_isPutter)
                {
                    _queue.PutCore(ResultSlot); // throws QueueShutDownError once shut down
                    taken = default!;
                }
                else
                {
                    taken = _queue.TakeCore();
                }
            }
            catch (Exception error)
            {
                Fail(error);
                return;
            }
            Succeed(taken);
        }
    }
}

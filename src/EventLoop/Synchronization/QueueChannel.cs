using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Asyncio;

/// <summary>An <see cref="AsyncQueue{T}"/> seen as a <see cref="Channel{T}"/>: made by <see cref="AsyncQueue{T}.AsChannel()"/>.</summary>
/// <remarks>
/// <para>asyncio: no twin; it replaces <c>loop.call_soon_threadsafe(queue.put_nowait, item)</c>
/// and <c>asyncio.run_coroutine_threadsafe(queue.get(), loop)</c>.</para>
/// <para>On the loop's thread both sides act on the queue directly: <c>TryWrite</c> is
/// <c>PutNowait</c> (false when full or shut down), <c>TryRead</c> is <c>GetNowait</c>, and the
/// waits are the queue's own, in its FIFO lines.</para>
/// <para>From any other thread: a write is handed to the loop with
/// <see cref="EventLoop.CallSoonThreadsafe(Action)"/> into a backlog that a loop task feeds into
/// the queue with <c>PutAsync</c>, one item after the other, so the items of one writer keep
/// their order and a bounded queue never holds more than its <c>MaxSize</c>. <c>TryWrite</c>
/// then always accepts (the backlog absorbs the excess); <c>WriteAsync</c> completes only once
/// its item is in the queue, which is the backpressure. A read asks a loop task to take the
/// next item into a hand-off buffer that <c>TryRead</c> drains, so <c>ReadAsync</c>,
/// <c>WaitToReadAsync</c>/<c>TryRead</c> and <c>ReadAllAsync</c> all work.</para>
/// <para><c>Complete()</c> shuts the queue down (<c>Shutdown(immediate: false)</c>) once the
/// backlog is in it: readers drain what is left, then see the channel completed. While the
/// writer is open the loop counts it as a source of outside work, so a loop on virtual time
/// waits for it instead of reporting a deadlock. Reading does not call <c>TaskDone</c>.
/// <c>Reader.Completion</c> completes once the writer is done and every item was read; an
/// error given to <c>Writer.Complete(error)</c> faults it and is the inner exception of the
/// <see cref="ChannelClosedException"/> readers see.</para>
/// </remarks>
public sealed class QueueChannel<T> : Channel<T>
{
    private readonly AsyncQueue<T> _queue;
    private readonly EventLoop _loop;
    // Loop side: writes from other threads, in arrival order, waiting for room in the queue.
    private readonly Queue<(T Item, TaskCompletionSource? Written)> _backlog = new();
    private bool _pumping;
    private bool _completeRequested;
    private bool _writerFinished;
    // Off-loop readers: items a loop task took for them, in queue order.
    private readonly ConcurrentQueue<T> _handoff = new();
    private int _writerCompleted; // 0 or 1; any thread
    private volatile Exception? _error; // given to Writer.TryComplete(error)
    // Reader.Completion: done once the writer completed and every item was read.
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal QueueChannel(AsyncQueue<T> queue, EventLoop loop)
    {
        loop.CheckThread("AsChannel");
        queue.BindTo(loop);
        _queue = queue;
        _loop = loop;
        // An open writer may still feed the loop from another thread: not a deadlock.
        loop.ForeignWaitStarted();
        Writer = new QueueChannelWriter(this);
        Reader = new QueueChannelReader(this);
    }

    /// <summary>The queue behind the channel.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public AsyncQueue<T> Queue => _queue;

    private bool OnLoop => _loop.IsLoopThread;

    // ---- writing -----------------------------------------------------------------------------

    private bool TryWrite(T item)
    {
        if (Volatile.Read(ref _writerCompleted) != 0)
            return false;
        if (OnLoop)
        {
            if (_queue.IsShutDown || _queue.Full || _backlog.Count > 0)
                return false;
            _queue.PutNowait(item);
            return true;
        }
        _loop.CallSoonThreadsafe(static s => s.Self.AddToBacklog(s.Item, null), (Self: this, Item: item));
        return true;
    }

    private ValueTask WriteAsync(T item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (Volatile.Read(ref _writerCompleted) != 0)
            return ValueTask.FromException(new ChannelClosedException());
        if (OnLoop)
            return WriteOnLoopAsync(item);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.CallSoonThreadsafe(static s => s.Self.AddToBacklog(s.Item, s.Written), (Self: this, Item: item, Written: written));
        return new ValueTask(written.Task.WaitAsync(cancellationToken));
    }

    private async ValueTask WriteOnLoopAsync(T item)
    {
        try
        {
            await _queue.PutAsync(item);
        }
        catch (QueueShutDownError e)
        {
            throw new ChannelClosedException(e);
        }
    }

    private ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        if (Volatile.Read(ref _writerCompleted) != 0)
            return new ValueTask<bool>(false);
        if (OnLoop && _queue.Full)
            return _queue.WaitNotFullAsync();
        return new ValueTask<bool>(!(OnLoop && _queue.IsShutDown));
    }

    private bool TryComplete(Exception? error)
    {
        if (Interlocked.Exchange(ref _writerCompleted, 1) != 0)
            return false;
        _error = error;
        if (_loop.IsLoopThread)
            RequestShutdown();
        else
            _loop.CallSoonThreadsafe(static self => self.RequestShutdown(), this);
        return true;
    }

    // Loop thread: a write from another thread arrives.
    private void AddToBacklog(T item, TaskCompletionSource? written)
    {
        _backlog.Enqueue((item, written));
        if (!_pumping)
        {
            _pumping = true;
            _ = _loop.CreateTask(() => PumpAsync(), "QueueChannel writer");
        }
    }

    private async Task PumpAsync()
    {
        while (_backlog.Count > 0)
        {
            var (item, written) = _backlog.Peek();
            try
            {
                await _queue.PutAsync(item);
                _backlog.Dequeue();
                written?.TrySetResult();
            }
            catch (QueueShutDownError)
            {
                // Shut down by the loop's own code: nothing more can be written.
                Interlocked.Exchange(ref _writerCompleted, 1);
                while (_backlog.Count > 0)
                    _backlog.Dequeue().Written?.TrySetException(new ChannelClosedException());
            }
        }
        _pumping = false;
        if (_completeRequested)
            FinishWriter();
    }

    private void RequestShutdown()
    {
        _completeRequested = true;
        if (!_pumping)
            FinishWriter();
    }

    private void FinishWriter()
    {
        if (_writerFinished)
            return;
        _writerFinished = true;
        _queue.Shutdown(immediate: false);
        _loop.ForeignWaitEnded();
        if (_queue.Empty && _handoff.IsEmpty)
            MarkCompleted();
    }

    // Any thread: the channel is finished and drained; readers see the writer's error, if any.
    private void MarkCompleted()
    {
        if (_error is { } error)
            _completion.TrySetException(error);
        else
            _completion.TrySetResult();
    }

    private ChannelClosedException Closed(Exception? inner = null) => new(_error ?? inner);

    // ---- reading -----------------------------------------------------------------------------

    private bool TryRead(out T item)
    {
        if (_handoff.TryDequeue(out item!))
            return true;
        if (OnLoop && _queue.TryGetNowait(out item))
        {
            if (_writerFinished && _queue.Empty && _handoff.IsEmpty)
                MarkCompleted();
            return true;
        }
        item = default!;
        return false;
    }

    private ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        if (!_handoff.IsEmpty)
            return new ValueTask<bool>(true);
        if (OnLoop)
            return _queue.WaitNotEmptyAsync();
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.CallSoonThreadsafe(static s => s.Self.StartFetch(s.Ready, s.Token), (Self: this, Ready: ready, Token: cancellationToken));
        return new ValueTask<bool>(ready.Task);
    }

    // Loop thread: take one item for a reader on another thread.
    private void StartFetch(TaskCompletionSource<bool> ready, CancellationToken cancellationToken)
    {
        var task = _loop.CreateTask(async () =>
        {
            try
            {
                _handoff.Enqueue(await _queue.GetAsync());
                ready.TrySetResult(true);
            }
            catch (QueueShutDownError)
            {
                MarkCompleted();
                if (_error is { } error)
                    ready.TrySetException(Closed());
                else
                    ready.TrySetResult(false);
            }
            catch (CancelledError)
            {
                ready.TrySetCanceled(cancellationToken);
            }
        }, "QueueChannel reader");
        if (cancellationToken.CanBeCanceled)
            cancellationToken.Register(() => _loop.CallSoonThreadsafe(() => task.Cancel()));
    }

    private async ValueTask<T> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryRead(out var item))
                return item;
            if (OnLoop && _handoff.IsEmpty)
            {
                try
                {
                    return await _queue.GetAsync();
                }
                catch (QueueShutDownError e)
                {
                    MarkCompleted();
                    throw Closed(e);
                }
            }
            if (!await WaitToReadAsync(cancellationToken))
                throw Closed();
        }
    }

    private sealed class QueueChannelWriter(QueueChannel<T> channel) : ChannelWriter<T>
    {
        public override bool TryWrite(T item) => channel.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
            channel.WaitToWriteAsync(cancellationToken);

        public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) =>
            channel.WriteAsync(item, cancellationToken);

        public override bool TryComplete(Exception? error = null) => channel.TryComplete(error);
    }

    private sealed class QueueChannelReader(QueueChannel<T> channel) : ChannelReader<T>
    {
        public override Task Completion => channel._completion.Task;

        public override bool TryRead(out T item) => channel.TryRead(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            channel.WaitToReadAsync(cancellationToken);

        public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) =>
            channel.ReadAsync(cancellationToken);
    }
}

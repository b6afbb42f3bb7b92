using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A single-threaded event loop with asyncio's rules: the same order of events, the same cancellation, the same errors.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.AbstractEventLoop</c> / <c>BaseEventLoop</c>.</para>
/// <para>One iteration (<see cref="RunOnce()"/>) runs the callbacks that were ready when it
/// began; what they schedule runs in the next one. Timers move to the ready queue when due,
/// earliest first and equal deadlines in the order scheduled. <c>async</c> methods run as
/// <see cref="LoopTask"/>s whose every <c>await</c> resumes on the loop's thread.</para>
/// <para>The loop belongs to the thread that runs it. Only <see cref="CallSoonThreadsafe(Action)"/>,
/// <see cref="Stop"/> and posts to its SynchronizationContext may come from other threads; any
/// other call from another thread while the loop runs throws <see cref="InvalidOperationException"/>
/// with asyncio's message ("Non-thread-safe operation invoked on an event loop other than the current
/// one"); its <see cref="Exception.InnerException"/> names the call. The usual cause is a loop task
/// that awaited with <c>ConfigureAwait(false)</c> and went on on the thread pool: await without it
/// inside a loop task, or hand work to the loop with <see cref="CallSoonThreadsafe(Action)"/> or
/// <c>RunCoroutineThreadsafe</c>.</para>
/// </remarks>
public sealed partial class EventLoop : IDisposable, IAwaitTarget
{
    [ThreadStatic]
    private static EventLoop? t_runningLoop;

    // ---- state ------------------------------------------------------------------------------
    // Every field of the loop, grouped by who may touch it; the partials hold behaviour only.

    // -- Loop thread only: the thread running the loop, or any one thread while it is not running.

    // The queues of RunOnce's phases (the inbox is below: any thread) and the clock.
    private ReadyQueue _ready = new(); // a mutable struct: used in place, never copied
    private readonly TimerHeap _timers = new();
    private readonly LoopClock _clock;
    private readonly bool _detectDeadlocks;
    private long _timerSequence; // ties between equal deadlines go to the earlier scheduled
    private int _cancelledTimers; // cancelled timers still in _timers (compaction, phase 4)

    // Whether the loop is in phase 2, blocked by its own choice (BlockingWaits reports the others).
    private bool _idle;

    // What the virtual clock must not jump over (phase 2): foreign waits, that is .NET Tasks and
    // socket operations that may post; of those, the real work surely in progress (_realWork) and
    // the ones that can tell whether their completion is on its way (_probes).
    private int _foreignWaits;
    private int _realWork;
    private HashSet<IReadinessProbe>? _probes;

    // The file descriptors watched for readiness (AddReader, the socket transports), made the
    // first time one is watched, on Linux only; null before, and elsewhere, and always when the
    // options turned it off (EventLoopOptions.UseSelector).
    private EpollSelector? _selector;
    private readonly bool _useSelector;
    // Under virtual time: real seconds spent blocked on real work since the clock last moved.
    private double _realWaited;

    // Tasks: the pending ones in creation order (a linked list through the tasks), the one whose
    // step runs, and the number for the next unnamed task ("Task-N").
    private LoopTask? _pendingHead;
    private LoopTask? _pendingTail;
    private int _pendingCount;
    private long _taskCounter;
    internal LoopTask? _currentTask;

    /// <summary>Transports and listening sockets of this loop not yet closed (leak checks in tests); loop thread only.</summary>
    internal int _openTransportCount;
    // The registrations of AddSignalHandler (IO/Signals/EventLoop.Signals.cs), by signal; Close
    // disposes them all, as asyncio's Unix loop removes its handlers when it closes.
    private Dictionary<PosixSignal, PosixSignalRegistration>? _signalHandlers;

    // The task whose context is the thread's SynchronizationContext, or null when it is the
    // loop's own. A step leaves its task current and its context installed: the next step of
    // the same task then switches nothing, and anything that is not a step puts the loop's back
    // first (LeaveTask). Saves the three thread-local accesses (read, set, restore) and the two
    // GC write barriers (set, restore CurrentTask) that each step paid.
    private TaskContext? _installedTaskContext;
    private readonly LoopSynchronizationContext _loopContext;

    // Settings and hooks, set on the loop thread (read anywhere: a stale read only misses a
    // creation site or one report).
    private bool _debug;
    private double _slowCallbackDuration = 0.1;
    private bool _eagerTasks;
    private Action<EventLoop, ExceptionContext>? _exceptionHandler;
    // The hot path's only cost of instrumentation: a load and a null check per event. Holds the
    // user's observer inside a GuardedObserver, so that a hook that throws cannot break the loop.
    internal LoopObserver? _observer;
    private LoopTimeProvider? _timeProvider;

    // Tasks of this loop with an Activity not yet stopped: Close ends those still pending.
    private int _tracedTasks;
    private string? _traceName;

    // The run_coroutine_threadsafe bridges whose task runs: Close ends their callers' Tasks,
    // which would otherwise wait forever for a task the closed loop will never finish.
    private HashSet<ThreadsafeBridge>? _runningBridges;

    // Futures whose exception was set and maybe never looked at, held weakly: a failed task that
    // nobody references is collected, and its report (asyncio's Future.__del__) arrives through
    // its UnobservedSentinel, while Close still finds every one alive to report it there. Long
    // weak handles (tracking resurrection), so that a future whose sentinel the GC has found
    // but whose finalizer has not run yet is still seen by Close. Pruned of the observed and the
    // collected whenever the list doubles.
    private readonly List<GCHandle> _unobserved = [];
    private int _unobservedPruneAt = 64;

    // -- Any thread.

    // The single entry for other threads, and the loop's only lock (its own).
    private readonly Inbox _inbox = new();
    // The managed id of the thread running the loop, 0 when none: claimed by one compare-and-swap
    // on entry (EnterLoop), so that of two threads entering at once exactly one gets in.
    private volatile int _threadId;
    // Stop() from any thread; read after every iteration.
    private volatile bool _stopping;
    // Written by Close (never while running); read by CheckClosed on any thread. A caller that
    // reads it stale is refused by the closed inbox instead.
    private bool _closed;

    // What the finalizer thread hands over, under _collectedGate: failed futures collected
    // unobserved, to be reported on the loop thread. _leftoversTaken: Close has reported what was
    // left; later ones are dropped.
    private readonly object _collectedGate = new();
    private List<Future> _collected = [];
    private bool _leftoversTaken;

    /// <summary>Creates a loop on real time, or on virtual time when <see cref="EventLoopOptions.VirtualTimeVariable"/> is set: asyncio's <c>new_event_loop()</c>.</summary>
    public EventLoop() : this(EventLoopOptions.FromEnvironment())
    {
    }

    /// <summary>Creates a loop with the given options: asyncio's <c>new_event_loop()</c>.</summary>
    public EventLoop(EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _clock = options.VirtualTime ? new VirtualClock() : new MonotonicClock();
        _detectDeadlocks = options.DeadlockDetection;
        Debug = options.Debug;
        EagerTasks = options.EagerTasks;
        _useSelector = options.UseSelector;
        _loopContext = new LoopSynchronizationContext(this);
        if (options.Trace is { } trace)
            Observer = new TextTrace(this, trace);
    }

    /// <summary>Whether the loop is running: asyncio's <c>loop.is_running()</c>.</summary>
    public bool IsRunning => _threadId != 0;

    /// <summary>Whether <see cref="Close"/> was called: asyncio's <c>loop.is_closed()</c>.</summary>
    public bool IsClosed => _closed;

    /// <summary>Whether the loop runs on virtual time (see <see cref="EventLoopOptions.VirtualTime"/>).</summary>
    public bool IsVirtualTime => _clock.IsVirtual;

    /// <summary>The loop's clock, in seconds: asyncio's <c>loop.time()</c>.</summary>
    /// <remarks>Monotonic; under virtual time it starts at 0.</remarks>
    public double Time() => _clock.Now;

    /// <summary>The loop running on the calling thread: asyncio's <c>asyncio.get_running_loop()</c>.</summary>
    /// <exception cref="InvalidOperationException">"no running event loop".</exception>
    public static EventLoop GetRunningLoop() =>
        t_runningLoop ?? throw new InvalidOperationException("no running event loop");

    /// <summary>The loop running on the calling thread, or <see langword="null"/>: asyncio's <c>asyncio._get_running_loop()</c>.</summary>
    public static EventLoop? RunningLoop => t_runningLoop;

    // The running loop of the calling thread is this one exactly on the thread that runs it.
    // Reading our own [ThreadStatic] costs well under a nanosecond where
    // Environment.CurrentManagedThreadId costs several, and every public call checks the thread.
    internal bool IsLoopThread => ReferenceEquals(t_runningLoop, this);

    // ---- one iteration ------------------------------------------------------------------------

    /// <summary>Runs one iteration of the loop: asyncio's <c>BaseEventLoop._run_once()</c>.</summary>
    /// <remarks>
    /// The phases are numbered as in docs/how-the-loop-works.md and the README. Phase 1 blocks no
    /// longer than <paramref name="maxBlock"/> seconds: infinity for <see cref="RunForever"/>, a
    /// host's budget for the public <see cref="RunOnce(TimeSpan)"/>.
    /// </remarks>
    private void RunOnce(double maxBlock)
    {
        // Phases 1 to 4 have nothing to do when callbacks are ready and no timer, post or
        // watched descriptor is waiting: a chain of callbacks then costs one test per
        // iteration, not eight.
        if (_ready.Count == 0 || _timers.Count > 0 || _inbox.HasItems || _selector is { IsWatching: true })
        {
            // 1. Decide how long to block: not at all if anything is ready or a stop was requested;
            //    otherwise until the earliest timer; otherwise until another thread submits work.
            //    A host pumping the loop (RunOnce(maxBlock)) caps it.
            double timeout = Math.Min(ComputeTimeout(), maxBlock);

            // 2. Block for that long, woken early by the inbox or a watched file descriptor.
            //    Virtual time jumps instead. Not blocking, the descriptors are still polled, as
            //    asyncio's select(0), so that a busy loop does not starve its I/O.
            if (timeout > 0)
                Block(timeout);
            else if (_selector is { IsWatching: true } selector)
                selector.Poll(0);

            // 3. Move what other threads submitted to the ready queue, in arrival order; then
            //    the callbacks of the descriptors found ready, reader before writer (asyncio's
            //    _process_events). After blocking, so that what arrived while we slept runs in
            //    this iteration.
            _inbox.DrainTo(ref _ready);
            _selector?.TakeEvents(ref _ready);

            // 4. Read the clock once; move every due timer to the ready queue, earliest first,
            //    equal deadlines in scheduling order. Never early.
            //    (No timer, no clock read: reading the OS clock costs more than a whole dispatch.)
            double now = _timers.Count > 0 ? _clock.Now : 0;
            while (_timers.Count > 0 && _timers.PeekWhen() <= now)
            {
                var timer = _timers.Pop();
                timer.LeftHeap();
                if (timer.Cancelled)
                {
                    _cancelledTimers--;
                    continue;
                }
                _ready.Enqueue(new WorkItem(timer, null, WorkKind.Handle));
                if (_observer is { } observer)
                {
                    LeaveTask();
                    observer.TimerFired(timer);
                }
            }
        }

        // 5. Run exactly the callbacks ready now: what they schedule runs in the next iteration.
        //    An exception goes to the exception handler and the loop goes on.
        //    With an observer or in debug mode, the same loop runs with hooks and timing.
        int count = _ready.Count;
        if (_observer is not null || _debug)
        {
            RunReadyWatched(count);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            var item = _ready.Dequeue();
            try
            {
                Dispatch(in item);
            }
            catch (Exception exception)
            {
                ReportCallbackError(in item, exception);
            }
        }
    }

    /// <summary>Phase 5 with the observer's hooks and, in debug mode, slow callbacks reported.</summary>
    /// <remarks>Apart from the plain loop so that the common case pays for neither.</remarks>
    private void RunReadyWatched(int count)
    {
        LeaveTask();
        _observer?.IterationStarted(this, count, _timers.Count);
        for (int i = 0; i < count; i++)
        {
            var item = _ready.Dequeue();
            _observer?.CallbackStarting(this, new CallbackInfo(in item));
            long started = _debug ? Stopwatch.GetTimestamp() : 0;
            try
            {
                Dispatch(in item);
            }
            catch (Exception exception)
            {
                ReportCallbackError(in item, exception);
            }
            LeaveTask(); // the hooks and the slow-callback report run outside any task
            if (_debug)
                ReportIfSlow(in item, started);
            _observer?.CallbackFinished(this, new CallbackInfo(in item));
        }
        _observer?.IterationFinished(this, count);
    }

    /// <summary>Runs one ready item: a step of its task when it belongs to one, else a plain callback.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Dispatch(in WorkItem item)
    {
        if (item.IsTaskStep)
        {
            Unsafe.As<TaskContext>(item.State)!.RunStep(in item);
            return;
        }
        LeaveTask();
        Invoke(in item);
    }

    /// <summary>Whether <paramref name="context"/> (the thread's current one) is the context of one of this loop's tasks.</summary>
    /// <remarks>
    /// First against the context this loop installed, one compare with no load through the
    /// context (always so in a task's step); else by type, for a task's context installed by
    /// .NET's ExecutionContext.Run, whose restore this loop does not track.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsOwnTaskContext(SynchronizationContext? context, [NotNullWhen(true)] out TaskContext? taskContext)
    {
        if (context is not null && ReferenceEquals(context, _installedTaskContext))
        {
            taskContext = _installedTaskContext;
            return true;
        }
        taskContext = context as TaskContext;
        return taskContext is not null && taskContext.Loop == this;
    }

    /// <summary>Makes <paramref name="context"/> the thread's SynchronizationContext, unless it is already.</summary>
    internal void EnterTaskContext(TaskContext context)
    {
        if (!ReferenceEquals(_installedTaskContext, context))
        {
            SynchronizationContext.SetSynchronizationContext(context);
            _installedTaskContext = context;
        }
    }

    /// <summary>Ends what the last step left behind, if anything: no task is current, the loop's own SynchronizationContext is installed.</summary>
    /// <remarks>One field test when the last thing run was not a step (a step always leaves its task current).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void LeaveTask()
    {
        if (_currentTask is not null)
            LeaveTaskCore();
    }

    private void LeaveTaskCore()
    {
        _currentTask = null;
        if (_installedTaskContext is not null)
        {
            SynchronizationContext.SetSynchronizationContext(_loopContext);
            _installedTaskContext = null;
        }
    }

    private double ComputeTimeout()
    {
        if (_timers.Count > 0)
            DropCancelledTimersAtHead();
        if (_ready.Count > 0 || _stopping || WorkArrived)
            return 0;
        if (_timers.Count > 0)
            return Math.Max(0, _timers.PeekWhen() - _clock.Now);
        return double.PositiveInfinity;
    }

    private void Block(double seconds)
    {
        _idle = true; // the loop's own wait: not a blocking call to report (BlockingWaits)
        try
        {
            if (_clock is VirtualClock virtualClock)
                BlockOnVirtualTime(virtualClock, seconds);
            else
                _inbox.Wait(ToMilliseconds(seconds));
        }
        finally
        {
            _idle = false;
        }
    }

    /// <summary>Whether the loop is in phase 2, blocked by its own choice.</summary>
    internal bool IsIdle => _idle;

    // How long a virtual clock waits, in real time, for something outside the loop that may be
    // about to post (a socket read whose bytes are on their way, a .NET Task) before it jumps.
    // Loopback round trips take tens of microseconds; this leaves room for a loaded machine.
    private const int ForeignGraceMilliseconds = 25;

    /// <summary>Phase 2 under virtual time: the clock jumps to the next deadline, unless real work is in flight.</summary>
    /// <remarks>
    /// <para>While real work the loop waits on is in flight (<see cref="RealWorkStarted"/>: a
    /// thread-pool job, a send, a child process), the loop blocks as on real time: it is woken by
    /// the inbox, and a timer fires only once as much real time has passed as the clock would
    /// have jumped. The clock itself only ever moves to a deadline, so times stay exact.</para>
    /// <para>A socket read or accept whose bytes or connection have already arrived (or whose
    /// completion is being delivered) counts as real work. While only something that may or may
    /// not post is pending (an idle read or accept, a .NET Task a task awaits), the loop gives it
    /// <see cref="ForeignGraceMilliseconds"/> of real time before it jumps. With nothing outside
    /// at all, it jumps at once.</para>
    /// </remarks>
    private void BlockOnVirtualTime(VirtualClock clock, double seconds)
    {
        bool timerPending = !double.IsPositiveInfinity(seconds); // a timer, or a host's cap on the block
        if (_realWork > 0 || (timerPending && AnyProbeReady()))
        {
            long started = Stopwatch.GetTimestamp();
            _inbox.Wait(timerPending ? ToMilliseconds(Math.Max(0, seconds - _realWaited)) : -1);
            _realWaited += Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (WorkArrived || !timerPending || _realWaited < seconds)
                return;
        }
        else if (timerPending && _foreignWaits > 0)
        {
            _inbox.Wait(ForeignGraceMilliseconds);
            if (WorkArrived)
                return;
        }
        if (timerPending)
        {
            // The loop never sleeps on a timer under virtual time: the clock jumps to it, exactly
            // to its deadline (now + (deadline - now) may fall an ulp short), or by a host's
            // shorter cap on the block (RunOnce(maxBlock)).
            _realWaited = 0;
            if (_timers.Count > 0 && seconds >= _timers.PeekWhen() - clock.Now)
                clock.AdvanceTo(_timers.PeekWhen());
            else
                clock.AdvanceTo(clock.Now + seconds);
            return;
        }
        if (_detectDeadlocks && _foreignWaits == 0 && !_inbox.HasItems)
            throw new DeadlockError(DescribeDeadlock());
        _inbox.Wait(-1);
    }

    /// <summary>Whether a post or a ready descriptor ended the wait of phase 2.</summary>
    private bool WorkArrived => _inbox.HasItems || _selector is { HasEvents: true };

    /// <summary>The loop's selector, made the first time a descriptor is watched; null where epoll does not exist or the options turned it off.</summary>
    internal EpollSelector? Selector
    {
        get
        {
            if (_selector is null && _useSelector && Epoll.IsSupported)
            {
                _selector = new EpollSelector(this);
                _inbox.UseSelector(_selector);
            }
            return _selector;
        }
    }

    // Rounds up, so that a timer is never found early and the loop does not spin on sub-millisecond waits.
    private static int ToMilliseconds(double seconds)
    {
        if (double.IsPositiveInfinity(seconds))
            return -1; // no limit
        double ms = Math.Ceiling(seconds * 1000.0);
        return ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
    }

    /// <summary>Runs one ready item outside of any task step.</summary>
    internal static void Invoke(in WorkItem item)
    {
        // The kind was set together with the callback's type when the item was made, so the
        // casts below need no check (Unsafe.As).
        switch (item.Kind)
        {
            case WorkKind.Handle:
                Unsafe.As<Handle>(item.Callback).Run();
                break;
            case WorkKind.Action:
                Unsafe.As<Action>(item.Callback)();
                break;
            case WorkKind.StateAction:
                ((Action<object?>)item.Callback)(item.State);
                break;
            case WorkKind.PostCallback:
                ((SendOrPostCallback)item.Callback)(item.State);
                break;
            case WorkKind.DoneCallback:
                ((Action<Future>)item.Callback)((Future)item.State!);
                break;
            case WorkKind.Listener:
                ((IFutureListener)item.Callback).OnFutureDone((Future)item.State!);
                break;
            case WorkKind.ForeignContext:
                ((SynchronizationContext)item.State!).Post(static c => ((Action)c!)(), item.Callback);
                break;
            default:
                throw new UnreachableException();
        }
    }

    /// <summary>Runs one step of a task; its context is installed already (see <see cref="TaskContext.RunStep"/>).</summary>
    internal static void InvokeStep(in WorkItem item)
    {
        switch (item.Kind)
        {
            case WorkKind.TaskAction:
                Unsafe.As<Action>(item.Callback)();
                break;
            case WorkKind.TaskStart:
                Unsafe.As<LoopTask>(item.Callback).Start();
                break;
            case WorkKind.TaskPost:
                Unsafe.As<PostedCallback>(item.Callback).Run();
                break;
            case WorkKind.TaskStateMachine:
                ContinuationCallbacks.StateMachineRunner!(item.Callback);
                break;
            case WorkKind.TaskStep:
                Unsafe.As<ITaskStep>(item.Callback).RunStep();
                break;
            default:
                throw new UnreachableException();
        }
    }

    // ---- running and stopping ------------------------------------------------------------------

    /// <summary>Runs iterations until <see cref="Stop"/> is called: asyncio's <c>loop.run_forever()</c>.</summary>
    /// <remarks>
    /// <para>A <see cref="Stop"/> before the call makes it run exactly one iteration. Throws
    /// "This event loop is already running" on a running loop (also when another thread enters
    /// it at the same moment: exactly one of them gets in), "Cannot run the event loop while
    /// another loop is running" inside another loop, "Event loop is closed" on a closed one.
    /// Under virtual time, throws <see cref="DeadlockError"/> when nothing could ever happen again.</para>
    /// </remarks>
    public void RunForever()
    {
        var previousContext = EnterLoop();
        try
        {
            while (true)
            {
                RunOnce(double.PositiveInfinity);
                if (_stopping)
                    break;
            }
        }
        finally
        {
            LeaveLoop(previousContext);
        }
    }

    /// <summary>Runs exactly one iteration (phases 1 to 5), blocking as long as phase 1 decides: for a host's own main loop. asyncio has no public twin (<c>BaseEventLoop._run_once()</c> is private).</summary>
    /// <remarks>
    /// <para>.NET reason: a game's frame loop, a UI's idle handler or a device's main loop owns
    /// the thread and pumps the event loop from it. The call enters the loop as
    /// <see cref="RunForever"/> does (the loop is running, its SynchronizationContext current,
    /// <see cref="GetRunningLoop"/> returns it) for that one iteration, and leaves it again.</para>
    /// <para>Phase 1 blocks not at all when a callback is ready or <see cref="Stop"/> was called,
    /// else until the earliest timer, else until another thread submits work (under virtual
    /// time: the clock jumps to the timer; with nothing at all, <see cref="DeadlockError"/>). A
    /// <see cref="Stop"/> only ends that block early: the call runs its one iteration either way,
    /// and the request is spent when it returns. Callbacks scheduled by this iteration's
    /// callbacks run in the next call. Throws as <see cref="RunForever"/> does: on a running loop,
    /// inside another running loop, on a closed loop.</para>
    /// </remarks>
    public void RunOnce() => Pump(double.PositiveInfinity);

    /// <summary>Runs exactly one iteration, blocking at most <paramref name="maxBlock"/> while waiting for work: for a frame loop. asyncio has no public twin.</summary>
    /// <remarks>
    /// <para>.NET reason: a host with a frame budget. As <see cref="RunOnce()"/>, but phase 1
    /// blocks no longer than <paramref name="maxBlock"/> (on real time rounded up to the next
    /// millisecond, the wait's resolution; under virtual time the clock moves by it instead):
    /// <see cref="TimeSpan.Zero"/> never blocks, <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is
    /// <see cref="RunOnce()"/>. Timers not yet due stay for a later call.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBlock"/> is negative (other than <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>).</exception>
    public void RunOnce(TimeSpan maxBlock)
    {
        if (maxBlock == System.Threading.Timeout.InfiniteTimeSpan)
        {
            Pump(double.PositiveInfinity);
            return;
        }
        if (maxBlock < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(maxBlock), maxBlock, "The longest block must be zero or more, or Timeout.InfiniteTimeSpan.");
        Pump(maxBlock.TotalSeconds);
    }

    /// <summary>Runs iterations until nothing is ready and no timer is due, never blocking and never moving a virtual clock: for tests. asyncio has no twin (its tests call <c>test_utils.run_briefly</c> in a loop).</summary>
    /// <remarks>
    /// <para>.NET reason: a test settles the loop after an action, then asserts. Each iteration is
    /// one <see cref="RunOnce(TimeSpan)"/> with <see cref="TimeSpan.Zero"/>; it stops when the ready
    /// queue and the queue from other threads are empty and no timer's deadline is at or before
    /// <see cref="Time"/>, or after the iteration in which <see cref="Stop"/> was called. Work that
    /// schedules more work forever (a callback that re-schedules itself) never lets it return.
    /// Throws as <see cref="RunForever"/> does.</para>
    /// </remarks>
    public void RunUntilIdle()
    {
        var previousContext = EnterLoop();
        try
        {
            while (HasWorkDueNow())
            {
                RunOnce(0);
                if (_stopping)
                    break;
            }
        }
        finally
        {
            LeaveLoop(previousContext);
        }
    }

    /// <summary>The public one-iteration entries: enter the loop, one iteration, leave it.</summary>
    private void Pump(double maxBlock)
    {
        var previousContext = EnterLoop();
        try
        {
            RunOnce(maxBlock);
        }
        finally
        {
            LeaveLoop(previousContext);
        }
    }

    private bool HasWorkDueNow()
    {
        if (_ready.Count > 0 || _inbox.HasItems)
            return true;
        if (_timers.Count > 0)
            DropCancelledTimersAtHead();
        return _timers.Count > 0 && _timers.PeekWhen() <= _clock.Now;
    }

    /// <summary>Makes the loop the running loop of the calling thread, or throws why it cannot: asyncio's <c>_check_running</c> and <c>_run_forever_setup</c>.</summary>
    /// <returns>The SynchronizationContext to put back in <see cref="LeaveLoop"/>.</returns>
    private SynchronizationContext? EnterLoop()
    {
        CheckClosed();
        // One compare-and-swap is the check and the claim: of two threads entering at once,
        // exactly one gets in, and the other is refused before it has touched anything.
#pragma warning disable CS0420 // a volatile field passed by ref: Interlocked is a full fence itself
        if (Interlocked.CompareExchange(ref _threadId, Environment.CurrentManagedThreadId, 0) != 0)
#pragma warning restore CS0420
            throw new InvalidOperationException("This event loop is already running");
        if (t_runningLoop is not null || _closed)
        {
            // Refused after the claim: another loop runs on this thread, or a Close on another
            // thread came between CheckClosed and the claim. Give the claim back unused.
            _threadId = 0;
            if (_closed)
                ThrowHelper.Closed();
            throw new InvalidOperationException("Cannot run the event loop while another loop is running");
        }
        var previousContext = SynchronizationContext.Current;
        t_runningLoop = this;
        SynchronizationContext.SetSynchronizationContext(_loopContext);
        return previousContext;
    }

    /// <summary>Undoes <see cref="EnterLoop"/>: asyncio's <c>_run_forever_cleanup</c>.</summary>
    private void LeaveLoop(SynchronizationContext? previousContext)
    {
        _stopping = false;
        _installedTaskContext = null;
        _currentTask = null;
        t_runningLoop = null;
        SynchronizationContext.SetSynchronizationContext(previousContext);
        // Last, and a volatile write: from here another thread may enter, and every field above
        // is then its own.
        _threadId = 0;
    }

    /// <summary>Asks the loop to stop once the current iteration is done: asyncio's <c>loop.stop()</c>.</summary>
    /// <remarks>Safe from any thread; a stop from another thread takes effect at the next iteration.</remarks>
    public void Stop()
    {
        _stopping = true;
        if (!IsLoopThread)
            _inbox.Post(new WorkItem(s_noop, null, WorkKind.Action)); // a wake-up; refused once closed, when there is nothing to wake
    }

    private static readonly Action s_noop = static () => { };

    /// <summary>Runs the loop until <paramref name="future"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(fut)</c>.</summary>
    /// <remarks>
    /// Throws "Event loop stopped before Future
    /// completed." when the loop is stopped first.
    /// </remarks>
    public object? RunUntilComplete(Future future)
    {
        RunUntilDone(future, newTask: false);
        return future.Result();
    }

    /// <summary>Runs the loop until <paramref name="future"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(fut)</c>.</summary>
    public T RunUntilComplete<T>(Future<T> future)
    {
        RunUntilDone(future, newTask: false);
        return future.Result();
    }

    /// <summary>Runs the loop until <paramref name="task"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(task)</c>.</summary>
    public T RunUntilComplete<T>(LoopTask<T> task)
    {
        RunUntilDone(task, newTask: false);
        return task.Result();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done, and rethrows its exception: asyncio's <c>loop.run_until_complete(coro())</c>.</summary>
    /// <remarks>The coroutine is wrapped in a task.</remarks>
    public void RunUntilComplete(Func<Task> coroutine)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        RunNewTask(static (loop, c) => loop.CreateTask(c), coroutine).ThrowIfNotSuccessful();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(coro)</c>.</summary>
    public T RunUntilComplete<T>(Func<Task<T>> coroutine)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        return RunNewTask(static (loop, c) => loop.CreateTask(c), coroutine).Result();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done, and rethrows its exception: asyncio's <c>loop.run_until_complete(coro())</c>.</summary>
    /// <remarks>The coroutine is wrapped in a task.</remarks>
    public void RunUntilComplete(Coroutine coroutine)
    {
        _ = coroutine.Core;
        RunNewTask(static (loop, c) => loop.CreateTask(c), coroutine).ThrowIfNotSuccessful();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(coro())</c>.</summary>
    public T RunUntilComplete<T>(Coroutine<T> coroutine)
    {
        _ = coroutine.Core;
        return RunNewTask(static (loop, c) => loop.CreateTask(c), coroutine).Result();
    }

    /// <summary>Runs the loop until <paramref name="awaitable"/> is done; returns its result, boxed, or rethrows: asyncio's <c>loop.run_until_complete(aw)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>loop.run_until_complete(aw)</c>, which makes it a Future first (see
    /// <see cref="EnsureFuture(Awaitable, CancellationToken)"/>): <c>RunUntilComplete(loop.Sleep(1))</c>,
    /// <c>RunUntilComplete(someTask)</c>, <c>RunUntilComplete(valueTask)</c>. The result is
    /// <see langword="null"/> for an awaitable without one.
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public object? RunUntilComplete(Awaitable awaitable) =>
        RunEnsured(static (loop, a) => a.ToFuture(loop), awaitable, isLoopFuture: awaitable.AsLoopFuture is not null).Result();

    /// <summary>Runs the loop until <paramref name="awaitable"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(aw)</c>.</summary>
    /// <remarks>See <see cref="RunUntilComplete(Awaitable)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public T RunUntilComplete<T>(Awaitable<T> awaitable) =>
        ((IFuture<T>)RunEnsured(static (loop, a) => a.ToFuture(loop).AsFuture(), awaitable, isLoopFuture: awaitable.AsLoopFuture is not null)).Result();

    /// <summary>Runs the loop until the .NET Task <paramref name="task"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(aw)</c>.</summary>
    /// <remarks>See <see cref="RunUntilComplete(Awaitable)"/>.</remarks>
    public T RunUntilComplete<T>(Task<T> task) => RunUntilComplete((Awaitable<T>)task);

    /// <summary>Runs the loop until <paramref name="valueTask"/> is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(aw)</c>.</summary>
    /// <remarks>See <see cref="RunUntilComplete(Awaitable)"/>.</remarks>
    public T RunUntilComplete<T>(ValueTask<T> valueTask) => RunUntilComplete((Awaitable<T>)valueTask);

    /// <summary>Runs what <paramref name="function"/> returns (<c>() =&gt; loop.Sleep(1)</c>) as a task until it is done, and rethrows its exception: asyncio's <c>loop.run_until_complete(coro())</c>.</summary>
    /// <remarks>The function is called in the task's first step.</remarks>
    public void RunUntilComplete(Func<Awaitable> function)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        RunNewTask(static (loop, f) => loop.CreateTask(f), function).ThrowIfNotSuccessful();
    }

    /// <summary>Runs what <paramref name="function"/> returns (<c>() =&gt; queue.GetAsync()</c>) as a task until it is done; returns its result or rethrows: asyncio's <c>loop.run_until_complete(coro())</c>.</summary>
    /// <remarks>The function is called in the task's first step.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public T RunUntilComplete<T>(Func<ValueTask<T>> function)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        return RunNewTask(static (loop, f) => loop.CreateTask(f), function).Result();
    }

    /// <summary>run_until_complete of a task made for the call from a coroutine (see <see cref="RunEnsured"/>).</summary>
    private TTask RunNewTask<TTask, TArgument>(Func<EventLoop, TArgument, TTask> create, TArgument argument) where TTask : LoopTask =>
        (TTask)RunEnsured(create, argument, isLoopFuture: false);

    /// <summary>run_until_complete of what <paramref name="ensure"/> makes a Future of (asyncio's <c>ensure_future</c>), after the loop is claimed.</summary>
    /// <remarks>
    /// The Future is made after the loop is claimed, so that a refused call (running, closed,
    /// another loop on the thread, another thread) creates nothing. A task made for the call
    /// (not a loop Future the caller passed) is not reported as pending when the loop stops
    /// first. asyncio makes that task before the loop runs, so it never starts eagerly: eager
    /// tasks are held off while it is made.
    /// </remarks>
    private Future RunEnsured<TArgument>(Func<EventLoop, TArgument, Future> ensure, TArgument argument, bool isLoopFuture)
    {
        var previousContext = EnterLoop();
        try
        {
            Future future;
            bool eager = EagerTasks;
            EagerTasks = false;
            try
            {
                future = ensure(this, argument);
            }
            finally
            {
                EagerTasks = eager;
            }
            bool newTask = !isLoopFuture && future is LoopTask;
            if (newTask)
                ((LoopTask)future).LogDestroyPending = false;
            RunUntilDoneEntered(future, newTask);
            return future;
        }
        finally
        {
            LeaveLoop(previousContext);
        }
    }

    private void RunUntilDone(Future future, bool newTask)
    {
        ArgumentNullException.ThrowIfNull(future);
        var previousContext = EnterLoop();
        try
        {
            RunUntilDoneEntered(future, newTask);
        }
        finally
        {
            LeaveLoop(previousContext);
        }
    }

    /// <summary>asyncio's <c>run_until_complete</c> from its <c>ensure_future</c> on, the loop already entered (so no other thread can add or remove the stopping callback meanwhile).</summary>
    private void RunUntilDoneEntered(Future future, bool newTask)
    {
        if (future.Loop != this)
            ThrowHelper.OtherLoop();
        future.AddListener(StopOnDone.Instance);
        try
        {
            while (true)
            {
                RunOnce(double.PositiveInfinity);
                if (_stopping)
                    break;
            }
        }
        catch
        {
            if (newTask && future.Done && !future.Cancelled)
                future.Exception(); // mark it retrieved: the caller sees the loop's error instead
            throw;
        }
        finally
        {
            future.RemoveListener(StopOnDone.Instance);
        }
        if (!future.Done)
            throw new InvalidOperationException("Event loop stopped before Future completed.");
    }

    /// <summary>asyncio's <c>_run_until_complete_cb</c>: stops the future's loop.</summary>
    private sealed class StopOnDone : IFutureListener
    {
        public static readonly StopOnDone Instance = new();

        public void OnFutureDone(Future future) => future.Loop.Stop();

        public string CallbackName => "_run_until_complete_cb";
    }

    // ---- closing ------------------------------------------------------------------------------

    /// <summary>Closes the loop: drops what is still queued. Idempotent: asyncio's <c>loop.close()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.close()</c>. Throws "Cannot close a running event loop" while running.
    /// Every later call that schedules work throws "Event loop is closed", from any thread
    /// (<see cref="CallSoonThreadsafe(Action)"/> and <c>RunCoroutineThreadsafe</c> too, even
    /// when they race with the close). The Task of every <c>RunCoroutineThreadsafe</c> call whose
    /// loop task has not finished (still queued, or pending) faults with "Event loop is closed".
    /// As in asyncio on Unix, the signal handlers are removed: a signal then has its default
    /// effect again.</para>
    /// <para>Differs from asyncio, which reports when the garbage collector finds them: a Future
    /// or task whose exception was never retrieved ("Future exception was never retrieved",
    /// "Task exception was never retrieved") and a task still pending ("Task was destroyed but
    /// it is pending!") are reported to the exception handler here, at a fixed point.</para>
    /// </remarks>
    public void Close()
    {
        if (IsRunning)
            ThrowHelper.CloseRunning();
        if (_closed)
            return;
        // The inbox first: from here a call from another thread is refused at once, and every
        // run_coroutine_threadsafe caller still waiting learns that its task will never finish.
        var droppedBridges = new List<ThreadsafeBridge>();
        _inbox.Close(item =>
        {
            if (item.State is ThreadsafeBridge bridge)
                droppedBridges.Add(bridge);
        });
        CloseBridges(droppedBridges);
        ReportLeftovers();
        EndTracesOfPendingTasks();
        _closed = true;
        _ready.Clear();
        _timers.Clear();
        _cancelledTimers = 0;
        RemoveSignalHandlers(); // asyncio (unix_events.py, close): the handlers go with the loop
        _selector?.Dispose(); // after the inbox closed: no post can signal its eventfd any more
    }

    /// <summary>Closes the loop (see <see cref="Close"/>).</summary>
    public void Dispose() => Close();

    // ---- asyncio.run ------------------------------------------------------------------------

    /// <summary>Runs <paramref name="main"/> on a new loop, cancels what is left, closes the loop: asyncio's <c>asyncio.run(main())</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.run(main())</c>, which is <c>with Runner() as runner: runner.run(main())</c>:
    /// see <see cref="EventLoopRunner"/>. Throws "asyncio.run() cannot be called from a running
    /// event loop" inside a running loop.
    /// </remarks>
    public static void Run(Func<Task> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckNoRunningLoopForRun();
        using var runner = new EventLoopRunner(options);
        runner.Run(main);
    }

    /// <summary>Runs the coroutine <paramref name="main"/> on a new loop, cancels what is left, closes the loop: asyncio's <c>asyncio.run(main())</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task}, EventLoopOptions?)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static void Run(Coroutine main, EventLoopOptions? options = null)
    {
        _ = main.Core;
        CheckNoRunningLoopForRun();
        using var runner = new EventLoopRunner(options);
        runner.Run(main);
    }

    /// <summary>Runs the coroutine <paramref name="main"/> on a new loop and returns its result: asyncio's <c>asyncio.run(main())</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task}, EventLoopOptions?)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static T Run<T>(Coroutine<T> main, EventLoopOptions? options = null)
    {
        _ = main.Core;
        CheckNoRunningLoopForRun();
        using var runner = new EventLoopRunner(options);
        return runner.Run(main);
    }

    /// <summary>Runs <paramref name="main"/> on a new loop and returns its result: asyncio's <c>asyncio.run(main())</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task}, EventLoopOptions?)"/>.</remarks>
    public static T Run<T>(Func<Task<T>> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckNoRunningLoopForRun();
        using var runner = new EventLoopRunner(options);
        return runner.Run(main);
    }

    // asyncio.run checks before making the Runner, with its own message.
    private static void CheckNoRunningLoopForRun()
    {
        if (t_runningLoop is not null)
            throw new InvalidOperationException("asyncio.run() cannot be called from a running event loop");
    }

    // ---- checks ---------------------------------------------------------------------------

    internal void CheckClosed()
    {
        if (_closed)
            ThrowHelper.Closed();
    }

    /// <summary>Whether the loop runs on a thread other than the caller's: where a non-thread-safe call throws and an await goes through the inbox.</summary>
    internal bool IsRunningElsewhere => _threadId != 0 && !IsLoopThread;

    /// <summary>Throws when called from another thread while the loop runs (asyncio checks this in debug mode; we always do).</summary>
    internal void CheckThread(string operation)
    {
        if (_threadId != 0 && !IsLoopThread)
            ThrowHelper.WrongThread(operation);
    }

    /// <summary>
    /// Runs <paramref name="body"/> outside any task, under the loop's own SynchronizationContext, so
    /// that every await in it resumes as a plain callback on the loop, whichever task started it.
    /// </summary>
    internal void StartDetached(Func<object, Task> body, object state)
    {
        var previousContext = SynchronizationContext.Current;
        var previousTask = _currentTask;
        SynchronizationContext.SetSynchronizationContext(_loopContext);
        _currentTask = null;
        try
        {
            _ = body(state);
        }
        finally
        {
            _currentTask = previousTask;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }
}

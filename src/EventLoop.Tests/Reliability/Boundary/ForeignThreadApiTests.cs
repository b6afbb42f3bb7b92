using System.Diagnostics;
using System.Linq.Expressions;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Every public instance method and property setter of the loop's objects, and every public extension method of the loop's static classes, called from a foreign thread while the loop runs, is documented thread-safe or refused, and refused before it changed anything.</summary>
/// <remarks>
/// The public API is enumerated by reflection, so a member added later is covered without
/// touching this test. Each member is called once from a new thread (bounded in time) against
/// live objects of a running loop: a pending Future with a callback, a sleeping task, a bound
/// queue with a waiting getter, a held lock with a waiter, a reader with a pending read, ...
/// The state of all of them is compared before and after each call; at the end, the same
/// operations on the loop thread still work.
/// </remarks>
public class ForeignThreadApiTests : LoopTest
{
    /// <summary>Members documented as safe from any thread (queries, thread-safe entries): not called here.</summary>
    private static readonly HashSet<string> ThreadSafe =
    [
        // Queries: a snapshot, no state written (see the remarks of Future).
        "Future.Result", "Future.Exception", "Future.GetAwaiter", "LoopTask.Result", "LoopTask.GetAwaiter", "LoopTask.GetCoro",
        "LoopStreamWriter.GetWriteBufferLimits",
        "EventLoop.Time",
        "Transport.GetWriteBufferLimits", "BaseTransport.GetExtraInfo",
        // Handle.Cancel of a CallSoon/CallSoonThreadsafe handle (TimerHandle.Cancel is checked).
        "Handle.Cancel",
        // They only signal the child process.
        "Subprocess.Kill", "Subprocess.Terminate", "Subprocess.SendSignal",
        // The loop's thread-safe entries (docs: Threads).
        "EventLoop.CallSoonThreadsafe", "EventLoop.RunCoroutineThreadsafe", "EventLoop.Stop",
        "EventLoop.RunInExecutor", "EventLoop.ToThread", "EventLoop.CreateFuture",
        // The exception handler: reading it, and reporting, which runs the handler on the
        // caller's thread as asyncio's call_exception_handler does (it has no thread check).
        "EventLoop.GetExceptionHandler", "EventLoop.CallExceptionHandler", "EventLoop.DefaultExceptionHandler",
        // Making a sleep changes nothing: its timer starts when it is awaited (the await checks).
        "EventLoop.Sleep",
    ];

    private static readonly string[] Refusals =
    [
        ForeignThread.WrongThread,
        "This event loop is already running",
        "Cannot close a running event loop",
        "Cannot run the event loop while another loop is running",
        "Task does not support set_exception operation", // always, from any thread: nothing changes
    ];

    /// <summary>Members whose parameters reflection cannot pass (spans), called directly; keyed by type and signature.</summary>
    private static readonly Dictionary<string, Action<Env>> Direct = new()
    {
        ["LoopStreamReader Void FeedData(System.ReadOnlySpan`1[System.Byte])"] = env => env.Reader.FeedData("xy"u8),
        ["LoopStreamWriter Void Write(System.ReadOnlySpan`1[System.Byte])"] = env => env.Writer.Write("xy"u8),
        ["Transport Void Write(System.ReadOnlySpan`1[System.Byte])"] = env => env.Transport.Write("xy"u8),
        ["DatagramTransport Void SendTo(System.ReadOnlySpan`1[System.Byte], System.Net.EndPoint)"] = env => env.Datagram.SendTo("xy"u8, new IPEndPoint(IPAddress.Loopback, 9)),
    };

    private static readonly Type[] Covered =
    [
        typeof(Future<int>), typeof(LoopTask<int>), typeof(LoopTask), typeof(Handle), typeof(TimerHandle),
        typeof(AsyncQueue<int>), typeof(AsyncLifoQueue<int>), typeof(AsyncPriorityQueue<int>),
        typeof(AsyncLock), typeof(AsyncEvent), typeof(AsyncSemaphore), typeof(AsyncBoundedSemaphore),
        typeof(AsyncCondition), typeof(AsyncBarrier),
        typeof(LoopStreamReader), typeof(LoopStreamWriter), typeof(Server), typeof(Asyncio.Subprocess),
        typeof(EventLoop), typeof(Asyncio.TaskGroup), typeof(TimeoutScope), typeof(Transport), typeof(DatagramTransport),
    ];

    /// <summary>The static classes of extension methods on the loop (the loop is their first argument).</summary>
    private static readonly Type[] CoveredExtensions =
    [
        typeof(Combinators), typeof(StructuredConcurrency), typeof(StreamEndpoints), typeof(Subprocesses),
        typeof(ProtocolEndpoints), typeof(DatagramEndpoints), typeof(SocketOperations),
    ];

    /// <summary>The live objects the foreign calls are made against.</summary>
    private sealed class Env
    {
        public required EventLoop Loop;
        public required Future<int> Pending;
        public required AsCompletedAwaitable<int> NextCompleted;
        public required List<string> Log;
        public required LoopTask<int> Sleeper;
        public required LoopTask PlainTask;
        public required Handle Handle;
        public required TimerHandle Timer;
        public required AsyncQueue<int> Queue;
        public required AsyncLifoQueue<int> Lifo;
        public required AsyncPriorityQueue<int> Priority;
        public required AsyncLock Lock;
        public required AsyncEvent Event;
        public required AsyncSemaphore Semaphore;
        public required AsyncBoundedSemaphore Bounded;
        public required AsyncCondition Condition;
        public required AsyncBarrier Barrier;
        public required LoopStreamReader Reader;
        public required LoopStreamWriter Writer;
        public required Server Server;
        public required Asyncio.Subprocess Subprocess;
        public required Process Child;
        public required Socket Socket;
        public required Asyncio.TaskGroup Group;
        public required TimeoutScope Scope;
        public required Future<int> ReleaseScopes;
        public required LoopTask<int> ScopeHolder;
        public required Transport Transport;
        public required DatagramTransport Datagram;
        public required Socket[] TransportSockets;
        public required LoopTask<int> Getter, LockWaiter, EventWaiter, SemWaiter, BarrierWaiter;
        public required LoopTask<byte[]> Read;

        public object TargetFor(Type type) => type switch
        {
            _ when type == typeof(Future<int>) => Pending,
            _ when type == typeof(LoopTask<int>) => Sleeper,
            _ when type == typeof(LoopTask) => PlainTask,
            _ when type == typeof(Handle) => Handle,
            _ when type == typeof(TimerHandle) => Timer,
            _ when type == typeof(AsyncQueue<int>) => Queue,
            _ when type == typeof(AsyncLifoQueue<int>) => Lifo,
            _ when type == typeof(AsyncPriorityQueue<int>) => Priority,
            _ when type == typeof(AsyncLock) => Lock,
            _ when type == typeof(AsyncEvent) => Event,
            _ when type == typeof(AsyncSemaphore) => Semaphore,
            _ when type == typeof(AsyncBoundedSemaphore) => Bounded,
            _ when type == typeof(AsyncCondition) => Condition,
            _ when type == typeof(AsyncBarrier) => Barrier,
            _ when type == typeof(LoopStreamReader) => Reader,
            _ when type == typeof(LoopStreamWriter) => Writer,
            _ when type == typeof(Server) => Server,
            _ when type == typeof(Asyncio.Subprocess) => Subprocess,
            _ when type == typeof(EventLoop) => Loop,
            _ when type == typeof(Asyncio.TaskGroup) => Group,
            _ when type == typeof(TimeoutScope) => Scope,
            _ when type == typeof(Transport) => Transport,
            _ when type == typeof(DatagramTransport) => Datagram,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };

        /// <summary>Everything a refused call must leave as it was.</summary>
        public string Snapshot() => string.Join("\n",
            $"pending {Pending.State} callbacks={Pending.CallbackCount}",
            $"sleeper {Sleeper.State} cancelling={Sleeper.Cancelling} name={Sleeper.Name} plain {PlainTask.State} {PlainTask.Cancelling} {PlainTask.Name}",
            $"handle {Handle.Cancelled} timer {Timer.Cancelled}",
            $"queue {Queue} {Queue.GetterCount} {Queue.UnfinishedTasks}; lifo {Lifo}; priority {Priority}",
            $"lock {Lock}; event {Event}; sem {Semaphore}; bounded {Bounded}; cond {Condition} {Condition.WaiterCount}; barrier {Barrier}",
            $"reader {Reader}; writer {Writer.WriteBufferSize} {Writer.IsClosing}; server {Server.IsServing}; socket {Socket.Connected} {Socket.IsBound}",
            $"loop ready={Loop.ReadyCount} timers={Loop.TimerCount} tasks={Loop.AllTasks().Count} closed={Loop.IsClosed}",
            $"group {Group} scope {Scope} {Scope.When} {Scope.Expired} holder {ScopeHolder.State}",
            $"transport {Transport.IsClosing} {Transport.IsReading} {Transport.WriteBufferSize} {Transport.GetWriteBufferLimits()}; datagram {Datagram.IsClosing} {Datagram.WriteBufferSize}",
            $"waiters {Getter.State} {LockWaiter.State} {EventWaiter.State} {SemWaiter.State} {BarrierWaiter.State} {Read.State}",
            string.Join(",", Log));
    }

    private static IEnumerable<MethodInfo> MembersOf(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.DeclaringType != typeof(object))
            .Where(m => !m.IsSpecialName || (m.Name.StartsWith("set_", StringComparison.Ordinal)))
            .Where(m => m.Name is not ("Equals" or "GetHashCode" or "ToString" or "GetType"));

    private static IEnumerable<MethodInfo> ExtensionsOf(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.IsDefined(typeof(ExtensionAttribute), false) && m.GetParameters()[0].ParameterType == typeof(EventLoop));

    private static string KeyOf(Type target, MethodInfo method)
    {
        // The class that declares the member is the one whose docs say what it does.
        var declaring = method.DeclaringType!;
        string type = declaring.IsGenericType ? declaring.Name[..declaring.Name.IndexOf('`')] : declaring.Name;
        if (method.GetBaseDefinition().DeclaringType is { } origin && origin != declaring && target == typeof(TimerHandle))
            type = "TimerHandle";
        string name = method.Name.StartsWith("set_", StringComparison.Ordinal) ? method.Name[4..] : method.Name;
        return type + "." + name;
    }

    [Fact]
    public void EveryPublicMember_CalledFromAForeignThreadWhileTheLoopRuns_IsThreadSafeOrRefusedBeforeActing()
    {
        var loop = NewLoop();
        var failures = new List<string>();
        int refused = 0, skipped = 0;
        var seenKeys = new HashSet<string>();
        loop.RunUntilComplete(async () =>
        {
            var env = await MakeEnvAsync(loop);
            var probes = Covered.SelectMany(type => MembersOf(type).Select(method => (type, method, isExtension: false)))
                .Concat(CoveredExtensions.SelectMany(type => ExtensionsOf(type).Select(method => (type, method, isExtension: true))));
            foreach (var (type, method, isExtension) in probes)
            {
                var target = isExtension ? null : env.TargetFor(type);
                string key = isExtension ? type.Name + "." + method.Name : KeyOf(type, method);
                seenKeys.Add(key);
                if (ThreadSafe.Contains(key))
                {
                    skipped++;
                    continue;
                }
                Action call;
                if (Direct.TryGetValue(type.Name + " " + method, out var direct))
                {
                    call = () => direct(env);
                }
                else
                {
                    var callable = method.IsGenericMethodDefinition ? Close(method) : method;
                    object?[] args;
                    try
                    {
                        args = callable.GetParameters().Select((p, i) => isExtension && i == 0 ? env.Loop : ArgumentFor(p.ParameterType, env)).ToArray();
                    }
                    catch (NotSupportedException)
                    {
                        failures.Add($"{type.Name}.{method}: no probe argument");
                        continue;
                    }
                    call = () => Invoke(callable, target, args);
                }
                string before = env.Snapshot();
                var error = ForeignThread.Call(call);
                string after = env.Snapshot();
                if (error is null)
                    failures.Add($"{key} ({method}): accepted from a foreign thread");
                else if (error is not InvalidOperationException || !Refusals.Any(r => error.Message.StartsWith(r, StringComparison.Ordinal)))
                    failures.Add($"{key} ({method}): {error.GetType().Name}: {error.Message}");
                else
                    refused++;
                if (before != after)
                    failures.Add($"{key} ({method}): state changed by a refused call:\n--- before\n{before}\n--- after\n{after}");
            }
            try
            {
                await CheckStillWorksAsync(env);
            }
            finally
            {
                env.Child.Kill();
                env.Child.Dispose();
                env.Socket.Dispose();
                foreach (var socket in env.TransportSockets)
                    socket.Dispose();
            }
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(refused > 100, $"only {refused} members were refused");
        Assert.True(skipped > 10);
        // Every extension class is probed (a class whose methods stopped being extensions would drop out).
        var missing = CoveredExtensions.Where(t => !seenKeys.Any(k => k.StartsWith(t.Name + ".", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "no extension method probed in: " + string.Join(", ", missing));
        Assert.True(seenKeys.Count(k => CoveredExtensions.Any(t => k.StartsWith(t.Name + ".", StringComparison.Ordinal))) > 30, string.Join(", ", seenKeys));
        // A stale entry in either list is a mistake too.
        var stale = ThreadSafe.Where(k => !seenKeys.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "listed but not a member: " + string.Join(", ", stale));
    }

    private static void Invoke(MethodInfo method, object? target, object?[] args)
    {
        try
        {
            var result = method.Invoke(target, args);
            // A refusal must be at the call, not inside a returned awaitable.
            if (result is Task { IsFaulted: true } task)
                throw task.Exception!.InnerException!;
            if (result is ValueTask { IsFaulted: true } valueTask)
                throw valueTask.AsTask().Exception!.InnerException!;
        }
        catch (TargetInvocationException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
        }
    }

    private static MethodInfo Close(MethodInfo method)
    {
        Type[] candidates = [typeof(int), typeof(Future<int>), typeof(Future), typeof(Exception), typeof(Protocol), typeof(DatagramProtocol)];
        var arguments = method.GetGenericArguments().Select(a => candidates.First(c =>
            (!a.GenericParameterAttributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint) || !c.IsValueType)
            && a.GetGenericParameterConstraints().All(constraint => constraint.ContainsGenericParameters || constraint.IsAssignableFrom(c)))).ToArray();
        return method.MakeGenericMethod(arguments);
    }

    private static object? ArgumentFor(Type type, Env env)
    {
        if (type.IsByRef)
            return ArgumentFor(type.GetElementType()!, env);
        if (type.IsByRefLike)
            throw new NotSupportedException();
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return ArgumentFor(underlying, env);
        if (type == typeof(int) || type == typeof(long))
            return Convert.ChangeType(1, type);
        if (type == typeof(double))
            return 1.0;
        if (type == typeof(bool))
            return false;
        if (type == typeof(string))
            return "probe";
        if (type == typeof(TimeSpan))
            return TimeSpan.FromSeconds(1);
        if (type == typeof(CancellationToken))
            return CancellationToken.None;
        if (type == typeof(byte[]))
            return new byte[] { 1 };
        if (type == typeof(System.Net.Security.SslClientAuthenticationOptions))
            return new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "probe" };
        if (type == typeof(System.Net.Security.SslServerAuthenticationOptions))
            return new System.Net.Security.SslServerAuthenticationOptions();
        if (type.IsEnum)
            return Enum.GetValues(type).GetValue(0);
        if (type == typeof(object))
            return 1;
        if (typeof(Exception).IsAssignableFrom(type))
            return new InvalidOperationException("probe");
        foreach (var candidate in new object[] { env.Pending, env.Sleeper, env.PlainTask, env.Loop, env.Lock })
        {
            if (type.IsInstanceOfType(candidate))
                return candidate;
        }
        if (type == typeof(Coroutine))
            return ProbeCoroutine();
        if (type == typeof(Coroutine<int>))
            return ProbeCoroutineOfInt();
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(ArgumentFor(type.GetElementType()!, env), 0);
            return array;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            return ArgumentFor(type.GetGenericArguments()[0].MakeArrayType(), env);
        if (typeof(Delegate).IsAssignableFrom(type))
            return Probe(type);
        if (type == typeof(Task))
            return Task.CompletedTask;
        if (type == typeof(Task<int>))
            return Task.FromResult(1);
        if (type == typeof(ValueTask))
            return ValueTask.CompletedTask;
        if (type == typeof(ValueTask<int>))
            return new ValueTask<int>(1);
        if (type == typeof(Awaitable))
            return (Awaitable)Task.CompletedTask;
        if (type == typeof(AsCompletedAwaitable<int>))
            return env.NextCompleted;
        if (type == typeof(Awaitable<int>))
            return (Awaitable<int>)Task.FromResult(1);
        if (type == typeof(CancellationTokenSource))
            return null;
        if (type == typeof(TextWriter))
            return new StringWriter();
        if (type == typeof(ExceptionContext))
            return new ExceptionContext("probe");
        if (type == typeof(EventLoopOptions))
            return new EventLoopOptions();
        if (type == typeof(LoopObserver))
            return null;
        if (type == typeof(Socket))
            return env.Socket;
        if (type == typeof(EndPoint) || type == typeof(IPEndPoint))
            return new IPEndPoint(IPAddress.Loopback, 9);
        if (type == typeof(Stream))
            return new MemoryStream();
        if (type == typeof(ReadOnlyMemory<byte>))
            return new ReadOnlyMemory<byte>([1]);
        if (type == typeof(Memory<byte>))
            return new Memory<byte>(new byte[1]);
        if (type == typeof(IReadOnlyDictionary<string, string>) || type == typeof(IReadOnlyDictionary<string, string?>))
            return new Dictionary<string, string?>();
        if (type == typeof(LoopStreamWriter))
            return env.Writer;
        throw new NotSupportedException(type.ToString());
    }

    private sealed class NullProtocol : Protocol;

    private sealed class NullDatagramProtocol : DatagramProtocol;

    private static async Coroutine ProbeCoroutine() => await Task.CompletedTask;

    private static async Coroutine<int> ProbeCoroutineOfInt()
    {
        await Task.CompletedTask;
        return 1;
    }

    // A delegate of any signature that returns a completed value; a refused call never runs it.
    private static Delegate Probe(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType)).ToArray();
        Expression body = invoke.ReturnType == typeof(Task)
            ? Expression.Constant(Task.CompletedTask)
            : invoke.ReturnType == typeof(void) ? Expression.Empty() : Expression.Default(invoke.ReturnType);
        return Expression.Lambda(delegateType, body, parameters).Compile();
    }

    private static async Task<Env> MakeEnvAsync(EventLoop loop)
    {
        var log = new List<string>();
        var pending = loop.CreateFuture<int>();
        pending.AddDoneCallback(_ => log.Add("pending done"));
        var sleeper = loop.CreateTask(async () => { await loop.Sleep(100); return 1; });
        var plain = loop.CreateTask(async () => await loop.Sleep(100));
        var handle = loop.CallSoon(() => log.Add("handle ran"));
        var timer = loop.CallLater(50, () => log.Add("timer ran"));

        var queue = new AsyncQueue<int>();
        var getter = loop.CreateTask(async () => await queue.GetAsync());
        var lifo = new AsyncLifoQueue<int>(1);
        await lifo.PutAsync(1);
        var lifoPutter = loop.CreateTask(async () => { await lifo.PutAsync(2); return 0; });
        var priority = new AsyncPriorityQueue<int>(1);
        await priority.PutAsync(1);
        var priorityPutter = loop.CreateTask(async () => { await priority.PutAsync(2); return 0; });

        var lk = new AsyncLock();
        await lk.AcquireAsync();
        var lockWaiter = loop.CreateTask(async () => { await lk.AcquireAsync(); lk.Release(); return 1; });
        var ev = new AsyncEvent();
        var eventWaiter = loop.CreateTask(async () => { await ev.WaitAsync(); return 1; });
        var sem = new AsyncSemaphore(1);
        await sem.AcquireAsync();
        var semWaiter = loop.CreateTask(async () => { await sem.AcquireAsync(); sem.Release(); return 1; });
        var bounded = new AsyncBoundedSemaphore(1);
        await bounded.AcquireAsync();
        var boundedWaiter = loop.CreateTask(async () => { await bounded.AcquireAsync(); bounded.Release(); return 1; });
        var cond = new AsyncCondition();
        var condWaiter = loop.CreateTask(async () =>
        {
            using (await cond.LockAsync())
                await cond.WaitAsync();
            return 1;
        });
        var barrier = new AsyncBarrier(2);
        var barrierWaiter = loop.CreateTask(async () => await barrier.WaitAsync());

        var reader = new LoopStreamReader(16, loop);
        var read = loop.CreateTask(() => reader.ReadAsync(4));
        var transport = new PipeTransport(loop, new MemoryStream(), null);
        var writer = new LoopStreamWriter(transport, null);
        var server = new Server(loop, [], (_, _) => Task.CompletedTask, 16);
        // A child of its own, never this process: a signal or a kill that reached the wrapped
        // process would end the test host.
        var child = Process.Start(OperatingSystem.IsWindows()
            ? new ProcessStartInfo("ping", "-n 120 127.0.0.1") { RedirectStandardOutput = true }
            : new ProcessStartInfo("sleep", "120"))!;
        var subprocess = new Asyncio.Subprocess(loop, child, null, null, null, []);

        // A task group and a timeout, entered by a task that holds them open until released.
        var group = loop.CreateTaskGroup();
        var scope = loop.CreateTimeout(60);
        var releaseScopes = loop.CreateFuture<int>();
        var scopeHolder = loop.CreateTask(async () =>
        {
            await group.EnterAsync();
            await scope.EnterAsync();
            int result = await releaseScopes;
            await scope.ExitAsync(null);
            await group.ExitAsync(null);
            return result;
        });
        // Transports that are never started: no I/O, only the refusals are probed.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var accepted = listener.Accept();
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var streamTransport = new SocketProtocolTransport(loop, client, new NullProtocol());
        var datagramTransport = new SocketDatagramTransport(loop, udp, new NullDatagramProtocol(), null);

        await loop.Sleep(0); // every waiter is in its line
        await loop.Sleep(0);
        _ = lifoPutter;
        _ = priorityPutter;
        _ = boundedWaiter;
        _ = condWaiter;
        // An as_completed awaitable over a Future of its own, already done: probing with it touches nothing else.
        var finished = loop.CreateFuture<int>();
        finished.SetResult(1);
        var nextCompleted = loop.AsCompleted<int>([finished]).First();

        return new Env
        {
            Loop = loop, Pending = pending, NextCompleted = nextCompleted, Log = log, Sleeper = sleeper, PlainTask = plain, Handle = handle, Timer = timer,
            Queue = queue, Lifo = lifo, Priority = priority, Lock = lk, Event = ev, Semaphore = sem, Bounded = bounded,
            Condition = cond, Barrier = barrier, Reader = reader, Writer = writer, Server = server, Subprocess = subprocess, Child = child,
            Socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp),
            Group = group, Scope = scope, ReleaseScopes = releaseScopes, ScopeHolder = scopeHolder,
            Transport = streamTransport, Datagram = datagramTransport, TransportSockets = [client, accepted, udp],
            Getter = getter, LockWaiter = lockWaiter, EventWaiter = eventWaiter, SemWaiter = semWaiter,
            BarrierWaiter = barrierWaiter, Read = read,
        };
    }

    // The loop-thread calls after the foreign attempts behave as if those had never been.
    private static async Task CheckStillWorksAsync(Env env)
    {
        var loop = env.Loop;
        env.Queue.PutNowait(5);
        Assert.Equal(5, await env.Getter);
        env.Event.Set();
        Assert.Equal(1, await env.EventWaiter);
        env.Lock.Release();
        Assert.Equal(1, await env.LockWaiter);
        env.Semaphore.Release();
        Assert.Equal(1, await env.SemWaiter);
        env.Bounded.Release();
        using (await env.Condition.LockAsync())
            env.Condition.Notify();
        var second = loop.CreateTask(async () => await env.Barrier.WaitAsync());
        Assert.Equal([0, 1], new[] { await env.BarrierWaiter, await second }.Order());
        env.Reader.FeedData("abcdef"u8);
        Assert.Equal("abcd"u8.ToArray(), await env.Read);
        Assert.Equal(1, env.Lifo.GetNowait());
        Assert.Equal(1, env.Priority.GetNowait());
        env.Pending.SetResult(3);
        env.Sleeper.Cancel();
        env.PlainTask.Cancel();
        env.Timer.Cancel();
        env.Server.Close();
        env.ReleaseScopes.SetResult(7);
        Assert.Equal(7, await env.ScopeHolder);
        env.Transport.Abort();
        env.Datagram.Abort();
        await loop.Sleep(0);
        await loop.Sleep(0);
        Assert.Equal(["handle ran", "pending done"], env.Log);
        _ = Assert.Single(env.Loop.AllTasks()); // only this test's own task is left
    }
}

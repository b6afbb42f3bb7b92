using System.ComponentModel;
using System.Runtime.InteropServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Callbacks run when a file descriptor becomes readable or writable: asyncio's <c>loop.add_reader()</c>, <c>add_writer()</c>, <c>remove_reader()</c> and <c>remove_writer()</c>.</summary>
/// <remarks>
/// <para>The loop waits on the operating system's readiness (Linux <c>epoll</c>) in its own
/// phase 2, together with the posts of other threads, as asyncio's selector loop does. A
/// descriptor that is ready puts its callback in the ready queue of that iteration, the reader
/// before the writer; readiness is level-triggered, so the callback runs again in every
/// iteration for as long as the descriptor stays ready and the callback stays registered (read
/// or write until it would block, or remove the callback). Each descriptor has at most one
/// reader and one writer: adding another replaces (and cancels) the one before. A callback
/// that throws goes to the exception handler, as any callback's does.</para>
/// <para>Under virtual time a watched descriptor counts as something outside the loop that may
/// post: the clock gives it a short real grace before it jumps, and never jumps while one is
/// ready.</para>
/// <para>Differs from asyncio: the callback's arguments are one typed state, as in
/// <see cref="EventLoop.CallSoon{TState}(Action{TState}, TState)"/>; a .NET handle
/// (<see cref="SafeHandle"/>: a socket's <see cref="System.Net.Sockets.Socket.SafeHandle"/>, a
/// pipe's) stands for asyncio's object with a <c>fileno()</c>. Linux only: elsewhere, and on a
/// loop whose <see cref="EventLoopOptions.UseSelector"/> is off, these throw
/// <see cref="PlatformNotSupportedException"/>, as asyncio's proactor loop on Windows raises
/// <c>NotImplementedError</c>; the socket, stream and protocol APIs work everywhere.</para>
/// <para>Check first: a null callback, a negative descriptor, a closed loop, a call from another
/// thread, or a descriptor owned by one of the loop's transports throws before anything is
/// registered. A descriptor epoll refuses (closed, or a regular file) throws
/// <see cref="IOException"/> with the OS error, as asyncio's <c>OSError</c>, and nothing
/// changes.</para>
/// </remarks>
public static class FileDescriptorCallbacks
{
    /// <summary>Runs <paramref name="callback"/> whenever <paramref name="fd"/> is readable: asyncio's <c>loop.add_reader(fd, callback)</c>.</summary>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor, zero or more.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is readable.</param>
    public static void AddReader(this EventLoop loop, int fd, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Add(loop, fd, write: false, Handle.s_invokeAction, callback, nameof(AddReader));
    }

    /// <summary>Runs <paramref name="callback"/> with <paramref name="state"/> whenever <paramref name="fd"/> is readable: asyncio's <c>loop.add_reader(fd, callback, *args)</c>.</summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor, zero or more.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is readable.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    public static void AddReader<TState>(this EventLoop loop, int fd, Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var (invoke, boxed) = EventLoop.Pack(callback, state);
        Add(loop, fd, write: false, invoke, boxed, nameof(AddReader));
    }

    /// <summary>Runs <paramref name="callback"/> whenever <paramref name="handle"/>'s descriptor is readable: asyncio's <c>loop.add_reader(fileobj, callback)</c>.</summary>
    /// <param name="loop">The loop.</param>
    /// <param name="handle">An open handle: a socket's <see cref="System.Net.Sockets.Socket.SafeHandle"/>, a pipe's.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is readable.</param>
    public static void AddReader(this EventLoop loop, SafeHandle handle, Action callback) =>
        AddReader(loop, ToFd(handle), callback);

    /// <summary>Runs <paramref name="callback"/> whenever <paramref name="fd"/> is writable: asyncio's <c>loop.add_writer(fd, callback)</c>.</summary>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor, zero or more.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is writable.</param>
    public static void AddWriter(this EventLoop loop, int fd, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Add(loop, fd, write: true, Handle.s_invokeAction, callback, nameof(AddWriter));
    }

    /// <summary>Runs <paramref name="callback"/> with <paramref name="state"/> whenever <paramref name="fd"/> is writable: asyncio's <c>loop.add_writer(fd, callback, *args)</c>.</summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor, zero or more.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is writable.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    public static void AddWriter<TState>(this EventLoop loop, int fd, Action<TState> callback, TState state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var (invoke, boxed) = EventLoop.Pack(callback, state);
        Add(loop, fd, write: true, invoke, boxed, nameof(AddWriter));
    }

    /// <summary>Runs <paramref name="callback"/> whenever <paramref name="handle"/>'s descriptor is writable: asyncio's <c>loop.add_writer(fileobj, callback)</c>.</summary>
    /// <param name="loop">The loop.</param>
    /// <param name="handle">An open handle: a socket's <see cref="System.Net.Sockets.Socket.SafeHandle"/>, a pipe's.</param>
    /// <param name="callback">Runs on the loop thread in every iteration in which the descriptor is writable.</param>
    public static void AddWriter(this EventLoop loop, SafeHandle handle, Action callback) =>
        AddWriter(loop, ToFd(handle), callback);

    /// <summary>Stops watching <paramref name="fd"/> for reading: asyncio's <c>loop.remove_reader(fd)</c>.</summary>
    /// <returns>Whether a reader was registered (it is cancelled); false on a closed loop, as asyncio.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor.</param>
    public static bool RemoveReader(this EventLoop loop, int fd) => Remove(loop, fd, write: false, nameof(RemoveReader));

    /// <summary>Stops watching <paramref name="handle"/>'s descriptor for reading: asyncio's <c>loop.remove_reader(fileobj)</c>.</summary>
    /// <returns>Whether a reader was registered (it is cancelled); false on a closed loop, as asyncio.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="handle">The handle given to <see cref="AddReader(EventLoop, SafeHandle, Action)"/>.</param>
    public static bool RemoveReader(this EventLoop loop, SafeHandle handle) => RemoveReader(loop, ToFd(handle));

    /// <summary>Stops watching <paramref name="fd"/> for writing: asyncio's <c>loop.remove_writer(fd)</c>.</summary>
    /// <returns>Whether a writer was registered (it is cancelled); false on a closed loop, as asyncio.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="fd">The file descriptor.</param>
    public static bool RemoveWriter(this EventLoop loop, int fd) => Remove(loop, fd, write: true, nameof(RemoveWriter));

    /// <summary>Stops watching <paramref name="handle"/>'s descriptor for writing: asyncio's <c>loop.remove_writer(fileobj)</c>.</summary>
    /// <returns>Whether a writer was registered (it is cancelled); false on a closed loop, as asyncio.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="handle">The handle given to <see cref="AddWriter(EventLoop, SafeHandle, Action)"/>.</param>
    public static bool RemoveWriter(this EventLoop loop, SafeHandle handle) => RemoveWriter(loop, ToFd(handle));

    // asyncio's _add_reader / _add_writer after _ensure_fd_no_transport.
    private static void Add(EventLoop loop, int fd, bool write, Action<object?> callback, object? state, string operation)
    {
        ArgumentNullException.ThrowIfNull(loop);
        CheckFd(fd);
        loop.CheckClosed();
        loop.CheckThread(operation);
        var selector = loop.Selector ?? throw ThrowHelper.NoSelectorError(operation);
        if (selector.Find(fd)?.Owner is IOwnedDescriptor { IsClosing: false } owner)
            throw ThrowHelper.DescriptorOwnedError(fd, owner);
        var handle = new Handle(loop, callback, state);
        Handle? replaced;
        try
        {
            replaced = selector.Set(fd, write, handle, owner: null);
        }
        catch (Win32Exception exception)
        {
            throw ThrowHelper.OSError(exception);
        }
        replaced?.Cancel();
    }

    // asyncio's _remove_reader / _remove_writer after _ensure_fd_no_transport.
    private static bool Remove(EventLoop loop, int fd, bool write, string operation)
    {
        ArgumentNullException.ThrowIfNull(loop);
        CheckFd(fd);
        if (loop.IsClosed)
            return false;
        loop.CheckThread(operation);
        var watch = loop.Selector?.Find(fd);
        if (watch?.Owner is IOwnedDescriptor { IsClosing: false } owner)
            throw ThrowHelper.DescriptorOwnedError(fd, owner);
        if ((write ? watch?.Writer : watch?.Reader) is null)
            return false;
        loop.Selector!.Set(fd, write, null, null)!.Cancel();
        return true;
    }

    private static void CheckFd(int fd)
    {
        if (fd < 0)
            throw ThrowHelper.InvalidFileDescriptorError(fd);
    }

    private static int ToFd(SafeHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.IsClosed || handle.IsInvalid)
            throw ThrowHelper.InvalidFileObjectError(handle);
        return (int)handle.DangerousGetHandle();
    }
}

/// <summary>A transport that owns its descriptor in the loop's selector: the public callbacks leave it alone while it is open (asyncio's <c>_ensure_fd_no_transport</c>).</summary>
internal interface IOwnedDescriptor
{
    bool IsClosing { get; }
}

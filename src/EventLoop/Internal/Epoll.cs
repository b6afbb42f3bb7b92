using System.Runtime.InteropServices;

namespace Asyncio.Internal;

/// <summary>The Linux calls behind <see cref="EpollSelector"/>: <c>epoll(7)</c> and <c>eventfd(2)</c>, which .NET does not expose.</summary>
/// <remarks>
/// <c>struct epoll_event</c> is packed on x86 and x64 (12 bytes: the 64-bit data follows the
/// 32-bit mask at offset 4) and naturally aligned elsewhere (16 bytes, data at 8), so the
/// events are read from a byte buffer with the stride of this process's architecture rather
/// than through one struct layout.
/// </remarks>
internal static unsafe partial class Epoll
{
    public const uint In = 0x001;     // EPOLLIN
    public const uint Out = 0x004;    // EPOLLOUT
    public const uint Error = 0x008;  // EPOLLERR
    public const uint HangUp = 0x010; // EPOLLHUP

    private const int CtlAdd = 1, CtlDel = 2, CtlMod = 3;
    private const int CloseOnExec = 0x80000; // EPOLL_CLOEXEC and EFD_CLOEXEC
    private const int NonBlocking = 0x800;   // EFD_NONBLOCK
    private const int EINTR = 4;

    public static readonly int EventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    private static readonly int s_dataOffset = EventSize - 8;

    public static bool IsSupported => OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int SysCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int SysCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int SysWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int SysEventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint SysRead(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint SysWrite(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int SysClose(int fd);

    public static int Create() => Check(SysCreate(CloseOnExec));

    public static int CreateEventFd() => Check(SysEventFd(0, CloseOnExec | NonBlocking));

    /// <summary>Adds, changes or (mask 0) removes the interest of <paramref name="epfd"/> in <paramref name="fd"/>; the data of its events is the fd.</summary>
    /// <returns>0, or the errno of a failure (EBADF, EPERM for a regular file, ...).</returns>
    public static int Control(int epfd, int fd, uint oldMask, uint newMask)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = newMask;
        *(long*)(ev + s_dataOffset) = fd;
        int op = oldMask == 0 ? CtlAdd : newMask == 0 ? CtlDel : CtlMod;
        return SysCtl(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Waits up to <paramref name="timeout"/> ms (-1: no limit) and fills <paramref name="events"/>; an interrupted wait is zero events.</summary>
    public static int Wait(int epfd, byte[] events, int timeout)
    {
        fixed (byte* p = events)
        {
            int n = SysWait(epfd, p, events.Length / EventSize, timeout);
            if (n >= 0)
                return n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
                return 0;
            throw new System.ComponentModel.Win32Exception(errno);
        }
    }

    public static uint MaskAt(byte[] events, int index) => BitConverter.ToUInt32(events, index * EventSize);

    public static int FdAt(byte[] events, int index) => (int)BitConverter.ToInt64(events, index * EventSize + s_dataOffset);

    /// <summary>Makes the eventfd readable: the loop's wake-up.</summary>
    public static void Signal(int eventFd)
    {
        long one = 1;
        SysWrite(eventFd, &one, 8); // EAGAIN only when the counter is full: it is readable then
    }

    /// <summary>Resets the eventfd's counter, so that it wakes the next wait only after the next signal.</summary>
    public static void Reset(int eventFd)
    {
        long value;
        SysRead(eventFd, &value, 8);
    }

    public static void Close(int fd) => SysClose(fd);

    private static int Check(int result) =>
        result >= 0 ? result : throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError());
}

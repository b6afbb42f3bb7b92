using System.Runtime.InteropServices;

namespace Asyncio;

/// <summary>The one POSIX call .NET lacks for asyncio's subprocesses: <c>kill(2)</c> with any signal (.NET's <c>Process.Kill</c> sends SIGKILL only).</summary>
internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone (ESRCH).</summary>
    public static bool Kill(int pid, int signal)
    {
        if (SysKill(pid, signal) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        const int ESRCH = 3;
        if (errno == ESRCH)
            return false;
        throw new System.ComponentModel.Win32Exception(errno);
    }
}

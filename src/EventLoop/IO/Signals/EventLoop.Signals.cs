using System.Runtime.InteropServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>Runs <paramref name="callback"/> on the loop whenever <paramref name="signal"/> arrives: asyncio's <c>loop.add_signal_handler(sig, callback)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.add_signal_handler(signum, callback)</c>. Built on
    /// <see cref="PosixSignalRegistration"/>: the signal's default action (ending the process for
    /// SIGINT and SIGTERM) is suppressed, and the callback is queued with
    /// <see cref="CallSoonThreadsafe(Action)"/>. A second call for the same signal replaces the
    /// handler. An exception from the callback goes to the exception handler.</para>
    /// <para>As in asyncio on Unix, <see cref="Close"/> removes every handler: a signal arriving
    /// after the loop is closed has its default effect again (for SIGINT and SIGTERM, .NET's:
    /// the process ends), exactly as after <see cref="RemoveSignalHandler"/>. Keep the loop open,
    /// or install your own handling, for as long as the signal must be caught. Raw signal numbers
    /// may be cast to <see cref="PosixSignal"/>, as .NET allows.</para>
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">The platform has no such signal.</exception>
    public void AddSignalHandler(PosixSignal signal, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckClosed();
        CheckThread(nameof(AddSignalHandler));
        var registration = PosixSignalRegistration.Create(signal, context =>
        {
            if (_closed)
                return; // a signal racing with Close, whose removal of this handler is under way: the default action, as after it
            context.Cancel = true;
            PostFromOtherThread(new WorkItem(Handle.s_invokeAction, callback, WorkKind.StateAction));
        });
        _signalHandlers ??= [];
        if (_signalHandlers.Remove(signal, out var previous))
            previous.Dispose();
        _signalHandlers[signal] = registration;
    }

    /// <summary>Removes the handler of <paramref name="signal"/>; false when there was none: asyncio's <c>loop.remove_signal_handler(sig)</c>.</summary>
    /// <remarks>asyncio: <c>loop.remove_signal_handler(signum)</c>. The signal's default action applies again.</remarks>
    public bool RemoveSignalHandler(PosixSignal signal)
    {
        CheckThread(nameof(RemoveSignalHandler));
        if (_signalHandlers is null || !_signalHandlers.Remove(signal, out var registration))
            return false;
        registration.Dispose();
        return true;
    }

    /// <summary>At <see cref="Close"/>: asyncio's <c>_UnixSelectorEventLoop.close()</c>, which removes every signal handler.</summary>
    private void RemoveSignalHandlers()
    {
        if (_signalHandlers is null)
            return;
        foreach (var registration in _signalHandlers.Values)
            registration.Dispose();
        _signalHandlers = null;
    }
}

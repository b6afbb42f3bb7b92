using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>Sets the handler for errors nobody else can receive; <see langword="null"/> restores the default: asyncio's <c>loop.set_exception_handler(handler)</c>.</summary>
    /// <remarks>
    /// It gets callback exceptions, task
    /// exceptions never retrieved, and the like. An exception thrown by the handler itself is
    /// reported through the default handler, and the loop goes on.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public void SetExceptionHandler(Action<EventLoop, ExceptionContext>? handler)
    {
        CheckThread(nameof(SetExceptionHandler));
        _exceptionHandler = handler;
    }

    /// <summary>The handler set by <see cref="SetExceptionHandler"/>, or <see langword="null"/>: asyncio's <c>loop.get_exception_handler()</c>.</summary>
    public Action<EventLoop, ExceptionContext>? GetExceptionHandler() => _exceptionHandler;

    /// <summary>Reports <paramref name="context"/> to the exception handler: asyncio's <c>loop.call_exception_handler(context)</c>.</summary>
    /// <remarks>Never throws.</remarks>
    public void CallExceptionHandler(ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var handler = _exceptionHandler;
        if (handler is null)
        {
            DefaultExceptionHandlerSafe(context);
            return;
        }
        try
        {
            handler(this, context);
        }
        catch (Exception exception)
        {
            // asyncio: the default handler reports the handler's error with the original
            // context under 'context', so that neither report is lost.
            DefaultExceptionHandlerSafe(new ExceptionContext("Unhandled error in exception handler")
            {
                Exception = exception,
                ["context"] = context,
            });
        }
    }

    /// <summary>Writes <paramref name="context"/> to standard error as asyncio logs it: asyncio's <c>loop.default_exception_handler(context)</c>.</summary>
    public void DefaultExceptionHandler(ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Console.Error.WriteLine(context.ToString());
    }

    private void DefaultExceptionHandlerSafe(ExceptionContext context)
    {
        try
        {
            DefaultExceptionHandler(context);
        }
        catch
        {
            // asyncio: "Guard 'default_exception_handler' in case it is overloaded." Nothing
            // is left to report to; the loop must go on.
        }
    }

    private void ReportCallbackError(in WorkItem item, Exception exception)
    {
        LeaveTask(); // the handler runs outside any task, even when a task's step threw
        var handle = item.Kind == WorkKind.Handle ? (Handle)item.Callback : new ReportHandle(this, item.Describe());
        CallExceptionHandler(new ExceptionContext("Exception in callback " + handle.DescribeForReport())
        {
            Exception = exception,
            Handle = handle,
            SourceTraceback = handle.SourceTraceback,
        });
    }
}

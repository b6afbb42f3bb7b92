namespace Asyncio;

/// <summary>When <see cref="Combinators.Wait{T}(EventLoop, IEnumerable{T}, double?, ReturnWhen, CancellationToken)"/> returns: asyncio's <c>return_when</c> constants.</summary>
public enum ReturnWhen
{
    /// <summary>When all are done (or the timeout passes): asyncio's <c>ALL_COMPLETED</c>.</summary>
    AllCompleted,
    /// <summary>When any is done: asyncio's <c>FIRST_COMPLETED</c>.</summary>
    FirstCompleted,
    /// <summary>When any finishes with an exception, or all are done: asyncio's <c>FIRST_EXCEPTION</c>.</summary>
    FirstException,
}

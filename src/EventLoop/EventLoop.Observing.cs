namespace Asyncio;

public sealed partial class EventLoop
{
    // The hot path's only cost of instrumentation: a load and a null check per event.
    internal LoopObserver? ObserverField;

    /// <summary>The observer that sees every iteration, callback, task step, timer and completion; <see langword="null"/> for none.</summary>
    /// <remarks>
    /// asyncio: no twin. Set it from the loop's thread (or before the loop runs). To attach
    /// several, combine them with <see cref="LoopObserver"/> subclasses of your own.
    /// </remarks>
    public LoopObserver? Observer
    {
        get => ObserverField;
        set
        {
            CheckThread(nameof(Observer));
            ObserverField = value;
        }
    }
}

using System.Collections.Concurrent;
using System.Reflection;

namespace Asyncio.Internal;

/// <summary>Reads the result of a completed <see cref="Task"/> whose static type is only <see cref="Task"/>.</summary>
internal static class TaskResults
{
    private static readonly ConcurrentDictionary<Type, Func<Task, object?>?> s_readers = new();

    // The last type seen on this thread and its reader: a loop finishing many tasks of the same
    // async method (a gather of 100,000 children) skips the dictionary lookup. Per thread, so
    // that loops on different threads need no lock.
    [ThreadStatic]
    private static Type? t_lastType;
    [ThreadStatic]
    private static Func<Task, object?>? t_lastReader;

    /// <summary>The boxed <c>Result</c> of a <c>Task&lt;T&gt;</c>; null for a plain or void-returning Task.</summary>
    public static object? GetBoxed(Task task)
    {
        var type = task.GetType();
        if (type == typeof(Task))
            return null;
        if (type != t_lastType)
        {
            t_lastReader = s_readers.GetOrAdd(type, static t =>
            {
                // async Task methods complete a Task<VoidTaskResult> (an internal type): no result.
                var property = t.GetProperty("Result", BindingFlags.Public | BindingFlags.Instance);
                if (property is null || property.PropertyType.Name == "VoidTaskResult")
                    return null;
                return task => property.GetValue(task);
            });
            t_lastType = type;
        }
        return t_lastReader?.Invoke(task);
    }
}

// Worker threads produce into a bounded AsyncQueue through its Channel<T> face; loop tasks
// consume. The threads never touch the loop directly: every write reaches it through
// CallSoonThreadsafe, and WriteAsync waits (on the worker thread) while the queue is full.
// What is printed does not depend on how the threads interleave, so the output is the same
// on every run.
using Asyncio;

const int Producers = 3;
const int ItemsEach = 1000;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    var queue = new AsyncQueue<(int Producer, int Value)>(maxSize: 16);
    var channel = queue.AsChannel();

    // Plain threads, outside the loop, feeding it.
    var threads = new List<Thread>();
    for (int p = 0; p < Producers; p++)
    {
        int producer = p;
        var thread = new Thread(() =>
        {
            for (int i = 1; i <= ItemsEach; i++)
                channel.Writer.WriteAsync((producer, i)).AsTask().Wait();
        });
        threads.Add(thread);
        thread.Start();
    }
    var closer = new Thread(() =>
    {
        threads.ForEach(t => t.Join());
        channel.Writer.Complete(); // shuts the queue down once every write is in it
    });
    closer.Start();

    // Loop tasks consuming: each checks that every producer's items arrive in order.
    var totals = new long[Producers];
    var last = new int[Producers];
    int maxSeen = 0;
    async Task Consumer()
    {
        try
        {
            while (true)
            {
                var (producer, value) = await queue.GetAsync();
                if (value != last[producer] + 1)
                    throw new InvalidOperationException($"producer {producer}: {value} after {last[producer]}");
                last[producer] = value;
                totals[producer] += value;
                maxSeen = Math.Max(maxSeen, queue.Count + 1);
                queue.TaskDone();
                await loop.Sleep(0);
            }
        }
        catch (QueueShutDownError)
        {
        }
    }

    await loop.Gather(() => Consumer(), () => Consumer());
    closer.Join();

    for (int p = 0; p < Producers; p++)
        Console.WriteLine($"producer {p}: {last[p]} items in order, sum {totals[p]}");
    Console.WriteLine($"queue never held more than its maxsize: {maxSeen <= queue.MaxSize}");
    Console.WriteLine($"shut down: {queue.IsShutDown}, empty: {queue.Empty}");
});

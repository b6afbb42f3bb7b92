// A bounded producer/consumer pipeline: a source reads "pages" into a queue of two, three
// fetchers share a semaphore that lets at most two fetch at once (a rate limit), and a writer
// collects the results in order of completion. Queue.JoinAsync tells when every page was
// handled; Shutdown ends the workers. On virtual time (EVENTLOOP_VIRTUAL_TIME=1) it runs in
// microseconds and prints the same every time.
using Asyncio;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    double t0 = loop.Time();
    string Now() => (loop.Time() - t0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    var pages = new AsyncQueue<int>(maxSize: 2);
    var results = new AsyncQueue<string>();
    var fetchSlots = new AsyncSemaphore(2);

    async Task Source()
    {
        for (int page = 1; page <= 6; page++)
        {
            await pages.PutAsync(page); // waits while two pages are queued
            Console.WriteLine($"{Now()} queued page {page}");
        }
    }

    async Task Fetcher(string name)
    {
        try
        {
            while (true)
            {
                int page = await pages.GetAsync();
                using (await fetchSlots.LockAsync())
                {
                    Console.WriteLine($"{Now()} {name} fetches page {page}");
                    await loop.Sleep(0.1 * (page % 3 + 1));
                }
                await results.PutAsync($"page {page} by {name}");
                pages.TaskDone();
            }
        }
        catch (QueueShutDownError)
        {
            Console.WriteLine($"{Now()} {name} stops");
        }
    }

    async Task Writer()
    {
        try
        {
            while (true)
            {
                string result = await results.GetAsync();
                Console.WriteLine($"{Now()} wrote {result}");
            }
        }
        catch (QueueShutDownError)
        {
        }
    }

    var workers = new List<Future>
    {
        loop.CreateTask(() => Fetcher("f1")),
        loop.CreateTask(() => Fetcher("f2")),
        loop.CreateTask(() => Fetcher("f3")),
    };
    var writer = loop.CreateTask(() => Writer());
    await Source();
    await pages.JoinAsync();
    Console.WriteLine($"{Now()} all pages fetched");
    pages.Shutdown();
    await loop.Gather(workers);
    results.Shutdown();
    await writer;
});

// A deterministic simulation: one day at a small bank, on virtual time. The loop's clock is
// the clock of the day (it starts at 09:00); eight hours pass in milliseconds of real time.
// Customers arrive at random (busier over lunch), queue, and are served by three tellers; a
// customer who finds too long a queue leaves; one teller takes a lunch break; at 17:00 the
// doors close and the tellers serve whoever is still inside. Every random draw comes from one
// seeded Random, on the loop's thread, in the loop's order, so the transcript is the same on
// every run (pass another seed as the first argument for another day).
using System.Globalization;
using Asyncio;

int seed = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20240501;
const double OpenAt = 9 * 3600, CloseAt = 17 * 3600, LunchAt = 12 * 3600, LunchLength = 45 * 60;
const int MaxQueue = 8;

var random = new Random(seed);
using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
loop.AdvanceTimeTo(OpenAt);

string Clock(double t) => TimeSpan.FromSeconds(Math.Round(t)).ToString(@"hh\:mm", CultureInfo.InvariantCulture);
string Minutes(double seconds) => (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min";
void Say(string text) => Console.WriteLine($"{Clock(loop.Time())}  {text}");

// An exponential draw with the given mean: the gaps between independent arrivals.
double Exponential(double mean) => -mean * Math.Log(1 - random.NextDouble());

var line = new AsyncQueue<Customer>();
var waits = new List<double>();
var busy = new Dictionary<string, double>();
int arrived = 0, balked = 0;

async Task Doors()
{
    while (true)
    {
        bool lunchHour = loop.Time() >= LunchAt && loop.Time() < LunchAt + 3600;
        double gap = Exponential(lunchHour ? 80 : 150);
        if (loop.Time() + gap >= CloseAt)
        {
            await loop.Sleep(CloseAt - loop.Time()); // nobody else comes in before closing time
            break;
        }
        await loop.Sleep(gap);
        arrived++;
        var errand = random.Next(10) switch { < 6 => Errand.Deposit, < 9 => Errand.Withdrawal, _ => Errand.Loan };
        if (line.Count >= MaxQueue)
        {
            balked++; // sees too long a line and leaves; counted in the hourly report
            continue;
        }
        line.PutNowait(new Customer(arrived, errand, loop.Time()));
    }
    Say($"doors close; {line.Count} still in line");
}

async Task Teller(string name, bool takesLunch)
{
    busy[name] = 0;
    bool hadLunch = false;
    try
    {
        while (true)
        {
            if (takesLunch && !hadLunch && loop.Time() >= LunchAt)
            {
                hadLunch = true;
                Say($"{name} goes to lunch");
                await loop.Sleep(LunchLength);
                Say($"{name} is back");
            }
            var customer = await line.GetAsync();
            waits.Add(loop.Time() - customer.ArrivedAt);
            double service = customer.Errand switch
            {
                Errand.Deposit => 60 + Exponential(120),
                Errand.Withdrawal => 90 + Exponential(150),
                _ => 600 + Exponential(600),
            };
            if (customer.Errand == Errand.Loan)
                Say($"{name} sits down with customer {customer.Number} about a loan ({Minutes(service)})");
            await loop.Sleep(service);
            busy[name] += service;
            line.TaskDone();
        }
    }
    catch (QueueShutDownError)
    {
        // The day is over.
    }
}

async Task Manager()
{
    for (double hour = OpenAt + 3600; hour <= CloseAt; hour += 3600)
    {
        await loop.Sleep(hour - loop.Time());
        double average = waits.Count == 0 ? 0 : waits.Average();
        Say($"report: {arrived} arrived, {waits.Count} served or being served, {line.Count} in line, {balked} left, average wait {Minutes(average)}");
    }
}

loop.RunUntilComplete(async () =>
{
    Say($"the bank opens (seed {seed})");
    var tellers = new[]
    {
        loop.CreateTask(() => Teller("Ana", takesLunch: false), "Ana"),
        loop.CreateTask(() => Teller("Ben", takesLunch: true), "Ben"),
        loop.CreateTask(() => Teller("Chloe", takesLunch: false), "Chloe"),
    };
    var manager = loop.CreateTask(Manager, "manager");
    await Doors();
    await line.JoinAsync(); // everyone inside is served
    line.Shutdown();
    await loop.Gather(tellers.Append(manager));
    Say("the last customer leaves");
});

Console.WriteLine();
Console.WriteLine($"customers: {arrived} arrived, {waits.Count} served, {balked} left without service");
Console.WriteLine($"wait: average {Minutes(waits.Average())}, longest {Minutes(waits.Max())}");
foreach (var (name, seconds) in busy)
    Console.WriteLine($"{name}: busy {(seconds / (CloseAt - OpenAt)).ToString("P0", CultureInfo.InvariantCulture)} of the opening hours");

enum Errand { Deposit, Withdrawal, Loan }

record Customer(int Number, Errand Errand, double ArrivedAt);

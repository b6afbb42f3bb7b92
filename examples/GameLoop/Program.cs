// A game's main loop owns its thread and runs at a fixed timestep, 60 frames a second; the event
// loop is one more thing it updates each frame. loop.RunOnce(TimeSpan.Zero) runs one iteration
// (what is ready, and the timers that came due) and never blocks: the frame's time belongs to
// the game. The game logic is ordinary async code on the loop (waves that spawn enemies, a
// scorer reading a queue, a round timer), and moves on by one iteration per frame.
//
// The frame clock is the loop's virtual clock, moved forward one frame per frame, so the output
// is the same on every run. A real game would use a real-time loop, and give RunOnce the time
// left in the frame (RunOnce(remaining)) when it has time to spare.
using System.Globalization;
using Asyncio;

const int FramesPerSecond = 60;
const double RoundLength = 2.5;

using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
int frame = 0;
int score = 0;
bool roundOver = false;
var hits = new AsyncQueue<int>();

void Say(string text) =>
    Console.WriteLine($"frame {frame,3}  t={loop.Time().ToString("0.000", CultureInfo.InvariantCulture)}  {text}");

async Task Waves()
{
    for (int wave = 1; wave <= 3; wave++)
    {
        await loop.Sleep(0.5);
        Say($"wave {wave}: {wave * 2} enemies");
        for (int i = 0; i < wave * 2; i++)
        {
            int enemy = i;
            int points = wave * 10;
            _ = loop.CreateTask(() => Enemy(enemy, points));
        }
    }
}

// An enemy is shot down after a while; its points go to the scorer through the queue.
async Task Enemy(int enemy, int points)
{
    await loop.Sleep(0.1 * (enemy + 1));
    await hits.PutAsync(points);
}

async Task Scorer()
{
    while (true)
        score += await hits.GetAsync();
}

async Task RoundTimer()
{
    await loop.Sleep(RoundLength);
    Say($"round over: score {score}");
    roundOver = true;
}

var scorer = loop.CreateTask(Scorer);
_ = loop.CreateTask(Waves);
_ = loop.CreateTask(RoundTimer);

// The frame loop: advance the frame clock, pump the event loop once, then "render".
while (!roundOver)
{
    frame++;
    loop.AdvanceTimeTo((double)frame / FramesPerSecond);
    loop.RunOnce(TimeSpan.Zero);
    if (frame % 30 == 0)
        Say($"render: score {score}, {loop.AllTasks().Count} tasks running");
}

// Shutting down: cancel what runs forever, and let the loop settle without moving the clock.
scorer.Cancel();
loop.RunUntilIdle();
Say($"exit: {loop.AllTasks().Count} tasks running");

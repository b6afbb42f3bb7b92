// A program outside the repository's build: it sees only the packed EventLoop and EventLoop.Logging.
using System.Reflection;
using Asyncio;
using Asyncio.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
loop.UseLogger(NullLogger.Instance); // the Logging package binds to the EventLoop package

async Task<string> Work(string name, double delay)
{
    await loop.Sleep(delay);
    return name;
}

string[] results = loop.RunUntilComplete(async () => await loop.Gather(() => Work("a", 2), () => Work("b", 1)));
string version = typeof(EventLoop).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
Console.WriteLine($"consumer: gathered {string.Join(",", results)} at t={loop.Time()} with EventLoop {version.Split('+')[0]}");

// A small chat server and two scripted clients, alice and bob, on 127.0.0.1.
// Protocol, one line each: the first line a client sends is its name; every later line is said
// to everyone else as "name: text"; "/quit" leaves. Joins and leaves are announced as "* ...".
// The script waits for each line it expects before its next step, and only the script prints,
// so the transcript is the same on every run.
using System.Net;
using System.Text;
using Asyncio;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    var members = new Dictionary<string, LoopStreamWriter>();

    void Broadcast(string from, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        foreach (var (name, writer) in members)
        {
            if (name != from)
                writer.Write(bytes); // no drain: a slow member must not hold up the room
        }
    }

    async Task Session(LoopStreamReader reader, LoopStreamWriter writer)
    {
        string name = Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd('\n');
        writer.Write(Encoding.UTF8.GetBytes($"* welcome {name}, {members.Count} other(s) here\n"));
        Broadcast(name, $"* {name} joined");
        members[name] = writer;
        try
        {
            while (true)
            {
                var line = Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd('\n');
                if (line is "" or "/quit")
                    break;
                Broadcast(name, $"{name}: {line}");
            }
        }
        finally
        {
            members.Remove(name);
            Broadcast(name, $"* {name} left");
            writer.Close();
        }
        await writer.WaitClosedAsync();
    }

    var server = await loop.StartServerAsync(Session, "127.0.0.1", 0);
    int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
    Console.WriteLine("chat server up on 127.0.0.1");

    async Task<(LoopStreamReader, LoopStreamWriter)> Join(string name)
    {
        var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
        Say(writer, name);
        await Expect(name, reader);
        return (reader, writer);
    }

    void Say(LoopStreamWriter writer, string line) => writer.Write(Encoding.UTF8.GetBytes(line + "\n"));

    async Task Expect(string who, LoopStreamReader reader)
    {
        var line = Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd('\n');
        Console.WriteLine($"[{who}] {line}");
    }

    var (aliceIn, aliceOut) = await Join("alice");
    var (bobIn, bobOut) = await Join("bob");
    await Expect("alice", aliceIn);                 // * bob joined

    Say(aliceOut, "hi bob");
    await Expect("bob", bobIn);
    Say(bobOut, "hello alice, how is the loop?");
    await Expect("alice", aliceIn);
    Say(aliceOut, "single-threaded, as ever");
    await Expect("bob", bobIn);

    Say(bobOut, "/quit");
    await Expect("alice", aliceIn);                 // * bob left
    var rest = await bobIn.ReadAsync();
    Console.WriteLine($"[bob] disconnected, eof={bobIn.AtEof}, {rest.Length} bytes after");
    bobOut.Close();
    await bobOut.WaitClosedAsync();

    aliceOut.WriteEof();                            // EOF leaves as /quit does
    await aliceIn.ReadAsync();
    aliceOut.Close();
    await aliceOut.WaitClosedAsync();

    server.Close();
    await server.WaitClosedAsync();
    Console.WriteLine($"chat server closed, {members.Count} member(s) left");
});

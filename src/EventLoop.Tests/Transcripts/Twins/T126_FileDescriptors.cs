using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/126 on: the descriptor callbacks (add_reader and its kin) on a socket pair.
internal static class T126_FileDescriptors
{
    private static string BytesRepr(ReadOnlySpan<byte> data) => "b'" + Encoding.ASCII.GetString(data) + "'";

    [Transcript("126_add_reader_writer")]
    public static void AddReaderWriter(TextWriter o)
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });

        async Task Main()
        {
            var (a, b) = SocketPair.Create();
            int fd = (int)a.Handle;

            void OnRead(string tag)
            {
                var buffer = new byte[3];
                int n = a.Receive(buffer);
                o.Print($"{tag}: read {BytesRepr(buffer.AsSpan(0, n))}");
            }

            o.Print("remove_reader, none added:", loop.RemoveReader(fd));
            loop.AddReader(fd, OnRead, "first");
            b.Send("abcdefg"u8);
            for (int i = 0; i < 3; i++)
            {
                o.Print("step", i);
                await loop.Sleep(0);
            }
            loop.AddReader(fd, OnRead, "second");
            b.Send("xy"u8);
            await loop.Sleep(0);
            o.Print("step 3");
            await loop.Sleep(0);
            o.Print("step 4");
            o.Print("remove_reader:", loop.RemoveReader(fd));
            o.Print("remove_reader again:", loop.RemoveReader(fd));

            int calls = 0;
            void OnWrite()
            {
                calls++;
                o.Print("writer", calls);
                if (calls == 3)
                    o.Print("remove_writer:", loop.RemoveWriter(fd));
            }

            loop.AddWriter(fd, OnWrite);
            loop.AddReader(fd, OnRead, "third");
            b.Send("12"u8);
            for (int i = 0; i < 4; i++)
            {
                await loop.Sleep(0);
                o.Print("step", 5 + i);
            }
            loop.RemoveReader(fd);

            try
            {
                loop.AddReader(-1, OnRead, "bad");
            }
            catch (ArgumentOutOfRangeException e)
            {
                o.Print("ValueError:", e.Message);
            }
            string file = Path.GetTempFileName();
            using (var f = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose))
            {
                try
                {
                    loop.AddReader(f, () => OnRead("file"));
                }
                catch (IOException e)
                {
                    o.Print("PermissionError:", e.Message);
                }
            }
            a.Dispose();
            b.Dispose();
        }

        loop.RunUntilComplete(() => Main());
        loop.Close();
        try
        {
            loop.AddReader(0, () => { });
        }
        catch (InvalidOperationException e)
        {
            o.Print("RuntimeError:", e.Message);
        }
        o.Print("remove_reader on a closed loop:", loop.RemoveReader(0));
    }
}

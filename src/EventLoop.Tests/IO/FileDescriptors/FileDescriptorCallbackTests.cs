using System.Net.Sockets;

namespace Asyncio.Tests.IO.FileDescriptors;

// The descriptor callbacks beyond what transcript 126 pins: the wake-up from other threads,
// virtual time, a throwing callback, and the checks made before anything is registered.
// Cases after CPython Lib/test/test_asyncio/test_selector_events.py (test_add_reader,
// test_add_reader_existing, test_remove_reader_read_write, test_process_events_read_cancelled).
public sealed class FileDescriptorCallbackTests : LoopTest
{
    private sealed class Quiet : Protocol
    {
    }

    [Fact]
    public void A_post_from_another_thread_wakes_a_loop_blocked_on_its_descriptors()
    {
        var loop = NewRealLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            loop.AddReader(a.SafeHandle, () => { });
            var log = new List<string>();
            var thread = new Thread(() => loop.CallSoonThreadsafe(() =>
            {
                log.Add("posted");
                loop.Stop();
            }));
            loop.CallSoon(thread.Start);
            loop.RunForever(); // blocks in epoll_wait with no timer: only the eventfd ends it
            thread.Join();
            Assert.Equal(["posted"], log);
            Assert.True(loop.RemoveReader(a.SafeHandle));
        }
    }

    [Fact]
    public void A_readable_descriptor_runs_before_a_virtual_timer_jumps()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            var log = new List<string>();
            loop.AddReader((int)a.Handle, () =>
            {
                var buffer = new byte[8];
                int n = a.Receive(buffer);
                log.Add($"read {n} at {loop.Time()}");
                loop.RemoveReader((int)a.Handle);
            });
            loop.CallLater(10, () => log.Add($"timer at {loop.Time()}"));
            b.Send("hi"u8);
            loop.RunUntilComplete(loop.Sleep(10));
            Assert.Equal(["read 2 at 0", "timer at 10"], log);
        }
    }

    [Fact]
    public void A_watched_descriptor_that_never_becomes_ready_lets_virtual_time_jump()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            bool ran = false;
            loop.AddReader((int)a.Handle, () => ran = true);
            loop.RunUntilComplete(loop.Sleep(3600));
            Assert.False(ran);
            Assert.Equal(3600, loop.Time());
            Assert.True(loop.RemoveReader((int)a.Handle));
        }
    }

    [Fact]
    public void A_callback_that_throws_is_reported_and_the_loop_goes_on()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            int calls = 0;
            loop.AddWriter((int)a.Handle, () =>
            {
                if (++calls == 2)
                    loop.RemoveWriter((int)a.Handle);
                throw new InvalidOperationException("boom " + calls);
            });
            loop.RunUntilComplete(loop.Sleep(0.001));
            Assert.Equal(2, calls);
            var reports = TakeReports();
            Assert.Equal(["boom 1", "boom 2"], reports.Select(r => r.Exception!.Message));
            Assert.All(reports, r => Assert.StartsWith("Exception in callback", r.Message));
        }
    }

    [Fact]
    public void A_cancelled_reader_is_unwatched_when_its_descriptor_is_next_ready()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            loop.AddReader((int)a.Handle, () => throw new InvalidOperationException("must not run"));
            b.Send("x"u8);
            // Cancel it behind the loop's back, as asyncio's handle.cancel() can: the next event
            // for the descriptor removes the watch (asyncio's _process_events).
            loop.Selector!.Find((int)a.Handle)!.Reader!.Cancel();
            loop.RunUntilComplete(loop.Sleep(0));
            loop.RunUntilComplete(loop.Sleep(0));
            Assert.Null(loop.Selector!.Find((int)a.Handle));
            Assert.Empty(TakeReports());
        }
    }

    [Fact]
    public void Bad_calls_refuse_before_anything_is_registered()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            int fd = (int)a.Handle;
            Assert.Throws<ArgumentNullException>(() => loop.AddReader(fd, (Action)null!));
            Assert.Equal("Invalid file descriptor: -5",
                Assert.Throws<ArgumentOutOfRangeException>(() => loop.AddWriter(-5, () => { })).Message);
            var closedHandle = new Microsoft.Win32.SafeHandles.SafeFileHandle(IntPtr.Zero, ownsHandle: false);
            closedHandle.Dispose();
            Assert.StartsWith("Invalid file object: ",
                Assert.Throws<ArgumentException>(() => loop.AddReader(closedHandle, () => { })).Message);

            Exception? fromThread = null;
            var thread = new Thread(() => fromThread = Record.Exception(() => loop.AddReader(fd, () => { })));
            loop.CallSoon(() =>
            {
                thread.Start();
                thread.Join();
            });
            loop.RunUntilComplete(loop.Sleep(0));
            Assert.IsType<InvalidOperationException>(fromThread);
            // Nothing was registered by any refused call.
            Assert.Null(loop.Selector!.Find(fd));
            Assert.False(loop.RemoveReader(fd));
            Assert.False(loop.RemoveWriter(fd));
        }
    }

    [Fact]
    public void Adding_a_reader_replaces_and_cancels_the_one_before()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            int fd = (int)a.Handle;
            loop.AddReader(fd, () => { });
            var first = loop.Selector!.Find(fd)!.Reader!;
            loop.AddReader(fd, () => { });
            Assert.True(first.Cancelled);
            Assert.False(loop.Selector!.Find(fd)!.Reader!.Cancelled);
            Assert.True(loop.RemoveReader(fd));
        }
    }

    [Fact]
    public void Closing_the_loop_closes_its_selector()
    {
        var loop = NewLoop();
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            loop.AddReader((int)a.Handle, () => { });
            loop.Close();
            Assert.False(loop.Selector!.IsWatching);
            Assert.False(loop.RemoveReader((int)a.Handle));
            Assert.Equal("Event loop is closed",
                Assert.Throws<InvalidOperationException>(() => loop.AddWriter((int)a.Handle, () => { })).Message);
        }
    }

    [Fact]
    public void The_descriptor_of_an_open_transport_is_refused_until_it_closes()
    {
        var loop = NewRealLoop();
        string path = Path.Combine(Path.GetTempPath(), "el-fd-" + Guid.NewGuid().ToString("N")[..12]);
        async Task Main()
        {
            var server = await loop.CreateUnixServerAsync(() => new Quiet(), path);
            var (transport, _) = await loop.CreateUnixConnectionAsync(() => new Quiet(), path);
            var socket = (Socket)transport.GetExtraInfo("socket")!;
            int fd = (int)socket.Handle;
            var error = Assert.Throws<InvalidOperationException>(() => loop.AddReader(fd, () => { }));
            Assert.Equal($"File descriptor {fd} is used by transport <Transport read=polling write=<idle, bufsize=0>>", error.Message);
            Assert.Throws<InvalidOperationException>(() => loop.RemoveWriter(fd));
            transport.Close();
            // Closing: asyncio lets the descriptor go (nothing is watched for it any more).
            Assert.False(loop.RemoveReader(fd));
            server.Close();
            await server.WaitClosedAsync();
        }
        loop.RunUntilComplete(() => Main());
    }
}

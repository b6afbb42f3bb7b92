# Protocol callbacks over loopback: each side's order on a clean close, the error of a refused
# connection, and pause_writing/resume_writing around a write larger than the kernel takes.
import asyncio


class Server(asyncio.Protocol):
    def __init__(self, log):
        self.log = log

    def connection_made(self, transport):
        self.transport = transport
        self.log.append("made")

    def data_received(self, data):
        self.log.append("data " + data.decode())
        self.transport.write(data)

    def eof_received(self):
        self.log.append("eof")

    def connection_lost(self, exc):
        self.log.append(f"lost {exc}")


class Client(asyncio.Protocol):
    def __init__(self, log, done):
        self.log = log
        self.done = done

    def connection_made(self, transport):
        self.log.append("made")

    def data_received(self, data):
        self.log.append("data " + data.decode())

    def eof_received(self):
        self.log.append("eof")

    def connection_lost(self, exc):
        self.log.append(f"lost {exc}")
        self.done.set_result(None)


async def main():
    loop = asyncio.get_running_loop()
    slog, clog = [], []
    server = await loop.create_server(lambda: Server(slog), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    done = loop.create_future()
    transport, _ = await loop.create_connection(lambda: Client(clog, done), "127.0.0.1", port)
    clog.append("returned")
    transport.write(b"hello")
    transport.write_eof()
    await done
    server.close()
    await server.wait_closed()
    for line in clog:
        print("client:", line)
    for line in slog:
        print("server:", line)

    try:
        await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    except ConnectionRefusedError as e:
        print("refused:", type(e).__name__)

    events = []
    resumed = loop.create_future()
    sink_made = loop.create_future()

    class Flow(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport

        def pause_writing(self):
            events.append(("pause", self.transport.get_write_buffer_size() > 65536))

        def resume_writing(self):
            events.append(("resume", self.transport.get_write_buffer_size() <= 16384))
            resumed.set_result(None)

    class Sink(asyncio.Protocol):
        def connection_made(self, transport):
            transport.pause_reading()
            sink_made.set_result(transport)

    server = await loop.create_server(Sink, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await loop.create_connection(Flow, "127.0.0.1", port)
    print("limits:", transport.get_write_buffer_limits())
    sink = await sink_made
    transport.write(b"x" * (32 << 20))
    events.append(("written", True))
    sink.resume_reading()
    await resumed
    for name, ok in events:
        print("flow:", name, ok)
    transport.close()
    sink.close()
    server.close()
    await server.wait_closed()


asyncio.run(main())

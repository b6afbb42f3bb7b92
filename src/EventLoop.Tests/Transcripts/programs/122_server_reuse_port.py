# reuse_port and reuse_address on TCP servers (Linux): the options each server socket gets, two
# servers sharing a port with reuse_port and each accepting, and the bind error without it.
# Which server the kernel hands a connection to is not fixed, so the program closes the one that
# took the first connection and shows that the other takes the next.
import asyncio
import errno
import socket


def options(server):
    sock = server.sockets[0]
    return (sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR),
            sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT))


async def main():
    loop = asyncio.get_running_loop()

    async def idle(reader, writer):
        writer.close()

    for label, kwargs in (("default", {}), ("reuse_port", {"reuse_port": True}),
                          ("no reuse_address", {"reuse_address": False}),
                          ("reuse_port, no reuse_address", {"reuse_address": False, "reuse_port": True})):
        server = await asyncio.start_server(idle, "127.0.0.1", 0, **kwargs)
        print(label + ":", options(server))
        server.close()
        await server.wait_closed()

    served = []
    accepted = asyncio.Event()

    def handler(name):
        async def serve(reader, writer):
            served.append(name)
            writer.write(name.encode() + b"\n")
            await writer.drain()
            writer.close()
            accepted.set()
        return serve

    first = await asyncio.start_server(handler("first"), "127.0.0.1", 0, reuse_port=True)
    port = first.sockets[0].getsockname()[1]
    second = await asyncio.start_server(handler("second"), "127.0.0.1", port, reuse_port=True)
    print("same port:", second.sockets[0].getsockname()[1] == port)
    servers = {"first": first, "second": second}

    async def connect():
        accepted.clear()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        await accepted.wait()
        return line.decode().strip()

    one = await connect()
    print("first connection echoed by the server that accepted it:", one == served[-1])
    servers[one].close()
    await servers[one].wait_closed()
    other = await connect()
    print("the other server takes the next one:", other != one and other == served[-1])
    servers[other].close()
    await servers[other].wait_closed()

    # Without reuse_port on both sides, the second bind fails as asyncio reports it.
    for a, b in ((False, False), (True, False), (False, True)):
        server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0, reuse_port=a)
        port = server.sockets[0].getsockname()[1]
        try:
            await loop.create_server(asyncio.Protocol, "127.0.0.1", port, reuse_port=b)
        except OSError as e:
            print("reuse_port", a, b, type(e).__name__, e.errno == errno.EADDRINUSE,
                  str(e).replace(str(port), "PORT"))
        server.close()
        await server.wait_closed()


asyncio.run(main())

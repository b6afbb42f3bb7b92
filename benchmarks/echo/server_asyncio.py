# Echo server with asyncio streams (start_server, read, write, drain), as the C# one; with
# --protocol, on a protocol (create_server, data_received -> write), as protocol_server/.
# usage: python3 server_asyncio.py PORT [--uvloop] [--protocol]
import asyncio
import sys


async def handle(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main(port, protocol):
    if protocol:
        server = await asyncio.get_running_loop().create_server(Echo, '127.0.0.1', port)
    else:
        server = await asyncio.start_server(handle, '127.0.0.1', port)
    print('serving', flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    port = int(next(a for a in sys.argv[1:] if a.isdigit()))
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main(port, '--protocol' in sys.argv))

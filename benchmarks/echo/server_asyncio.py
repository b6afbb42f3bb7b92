# Echo server with asyncio streams (start_server, read, write, drain), as the C# one.
# usage: python3 server_asyncio.py PORT [--uvloop]
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


async def main(port):
    server = await asyncio.start_server(handle, '127.0.0.1', port)
    print('serving', flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    port = int(sys.argv[1])
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main(port))

# UDP echo server with asyncio's create_datagram_endpoint, as the C# one (udp_server/).
# usage: python3 server_udp.py PORT [--uvloop]
import asyncio
import sys


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)


async def main(port):
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', port))
    print('serving', flush=True)
    try:
        await loop.create_future()
    finally:
        transport.close()


if __name__ == '__main__':
    port = int(sys.argv[1])
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main(port))

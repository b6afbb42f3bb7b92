# The TCP echo client and server of the asyncio documentation ("Streams" page), in one program:
# the server listens on 127.0.0.1, the client sends one message and prints the echo.
# Changes for a reproducible transcript: port 0 instead of 8888 (a free port is picked) and the
# peer's host printed without its (ephemeral) port; the server is closed by `async with` once
# the client is done instead of serving forever.
import asyncio


async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info('peername')

    print(f"Received {message!r} from {addr[0]!r}")

    print(f"Send: {message!r}")
    writer.write(data)
    await writer.drain()

    print("Close the connection")
    writer.close()
    await writer.wait_closed()


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)

    print(f'Send: {message!r}')
    writer.write(message.encode())
    await writer.drain()

    data = await reader.read(100)
    print(f'Received: {data.decode()!r}')

    print('Close the connection')
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)

    addrs = ', '.join(str(sock.getsockname()[0]) for sock in server.sockets)
    print(f'Serving on {addrs}')

    async with server:
        await tcp_echo_client('Hello World!', server.sockets[0].getsockname()[1])
    print(f'Server closed: serving={server.is_serving()}')


asyncio.run(main())

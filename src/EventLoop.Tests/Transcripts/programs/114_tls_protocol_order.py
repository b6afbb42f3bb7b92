# TLS under protocols (asyncio 3.12 sslproto.py, selector_events.py _accept_connection2): each
# side's order over a TLS echo (the factory before the handshake, connection_made after it,
# eof_received's answer ignored), the client's handshake timeout, a server handshake that fails
# (not reported outside debug mode, its protocol hears nothing), and wait_closed waiting for a
# handshake begun before server.close(). The closing client's own log is printed up to its
# close(): asyncio then runs the TLS shutdown and calls the closing side's eof_received when the
# peer answers it, while EventLoop sends no close_notify and goes straight to connection_lost
# (a difference written down in the porting guide).
import asyncio
import os
import ssl
import subprocess
import tempfile


def contexts():
    folder = tempfile.mkdtemp()
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-keyout", key, "-out", cert, "-days", "2", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=cert)
    return server, client


class Peer(asyncio.Protocol):
    def __init__(self, log, echo=False, keep_open=False):
        self.log, self.echo, self.keep_open = log, echo, keep_open
        loop = asyncio.get_running_loop()
        self.got = loop.create_future()
        self.lost = loop.create_future()
        log.append("factory")

    def connection_made(self, transport):
        self.transport = transport
        self.log.append(f"made ssl={transport.get_extra_info('ssl_object') is not None}")

    def data_received(self, data):
        self.log.append("data " + data.decode())
        if self.echo:
            self.transport.write(data)
        if not self.got.done():
            self.got.set_result(None)

    def eof_received(self):
        self.log.append("eof")
        return self.keep_open

    def connection_lost(self, exc):
        self.log.append(f"lost {exc}")
        self.lost.set_result(exc)


async def main():
    loop = asyncio.get_running_loop()
    reports = []
    loop.set_exception_handler(lambda _, context: reports.append(context["message"]))
    server_ctx, client_ctx = contexts()

    slog, clog, peers = [], [], []

    def serve():
        peer = Peer(slog, echo=True, keep_open=True)
        peers.append(peer)
        return peer

    server = await loop.create_server(serve, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    transport, client = await loop.create_connection(
        lambda: Peer(clog), "127.0.0.1", port, ssl=client_ctx, server_hostname="localhost")
    clog.append("returned")
    transport.write(b"hello")
    await client.got
    before_close = list(clog)
    transport.close()
    client_lost = await client.lost
    await peers[0].lost
    server.close()
    await server.wait_closed()
    for line in before_close:
        print("client:", line)
    print("client: lost", client_lost)
    for line in slog:
        print("server:", line)

    silent = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
    clog = []
    try:
        await loop.create_connection(
            lambda: Peer(clog), "127.0.0.1", silent.sockets[0].getsockname()[1],
            ssl=client_ctx, server_hostname="localhost", ssl_handshake_timeout=0.5)
    except ConnectionAbortedError as e:
        print("timeout:", type(e).__name__, e)
    for line in clog:
        print("timed-out client:", line)
    silent.close()
    await silent.wait_closed()

    slog = []
    server = await loop.create_server(lambda: Peer(slog), "127.0.0.1", 0, ssl=server_ctx)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    writer.write(b"GET / HTTP/1.0\r\n\r\n")
    await reader.read()
    writer.close()
    server.close()
    await server.wait_closed()
    for line in slog:
        print("server of a plain client:", line)

    events = []
    server = await loop.create_server(lambda: Peer([]), "127.0.0.1", 0, ssl=server_ctx, ssl_handshake_timeout=0.5)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    await asyncio.sleep(0.1)
    server.close()
    loop.call_later(0.25, events.append, "0.25 s after close")
    await server.wait_closed()
    events.append("wait_closed returned")
    for event in events:
        print("close during a handshake:", event)
    print("silent client saw eof:", await reader.read() == b"")
    writer.close()
    print("reports:", len(reports))


asyncio.run(main())

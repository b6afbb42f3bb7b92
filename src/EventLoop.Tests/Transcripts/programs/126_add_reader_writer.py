# add_reader / add_writer / remove_*: level-triggered readiness, the order of a ready reader
# and writer within an iteration, replacing a reader, and the errors.
# Twin: Twins/T126_FileDescriptors.cs. Cases from CPython Lib/test/test_asyncio/test_events.py
# (test_add_reader/test_remove_reader, test_reader_callback, test_writer_callback) and
# test_selector_events.py (test_add_reader_existing, test_remove_reader).
import asyncio
import socket
import tempfile


async def main():
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    fd = a.fileno()

    def on_read(tag):
        data = a.recv(3)
        print(f"{tag}: read {data!r}")

    print("remove_reader, none added:", loop.remove_reader(fd))
    loop.add_reader(fd, on_read, "first")
    b.send(b"abcdefg")
    for i in range(3):
        print("step", i)
        await asyncio.sleep(0)
    loop.add_reader(fd, on_read, "second")
    b.send(b"xy")
    await asyncio.sleep(0)
    print("step 3")
    await asyncio.sleep(0)
    print("step 4")
    print("remove_reader:", loop.remove_reader(fd))
    print("remove_reader again:", loop.remove_reader(fd))

    calls = []

    def on_write():
        calls.append("w")
        print("writer", len(calls))
        if len(calls) == 3:
            print("remove_writer:", loop.remove_writer(fd))

    loop.add_writer(fd, on_write)
    loop.add_reader(fd, on_read, "third")
    b.send(b"12")
    for i in range(4):
        await asyncio.sleep(0)
        print("step", 5 + i)
    loop.remove_reader(fd)

    for bad in (-1,):
        try:
            loop.add_reader(bad, on_read, "bad")
        except ValueError as e:
            print("ValueError:", e)
    with tempfile.TemporaryFile() as f:
        try:
            loop.add_reader(f.fileno(), on_read, "file")
        except OSError as e:
            print(type(e).__name__ + ":", e)
    a.close()
    b.close()


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
try:
    loop.add_reader(0, print)
except RuntimeError as e:
    print("RuntimeError:", e)
print("remove_reader on a closed loop:", loop.remove_reader(0))

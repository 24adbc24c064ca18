#!/usr/bin/python3
"""WebSocket peers for ws_channels.test, on 127.0.0.1 at a port of the system's choosing
(they print "listening on 127.0.0.1:PORT" once listening).

  ws_peers.py echo OUTFILE [SUBPROTOCOL...]
      Python websockets' own server echoing every message. On SIGTERM it writes to OUTFILE
      a JSON object: messages counted, the subprotocols chosen, the X-Token headers seen,
      and the kinds of message (text or binary).
  ws_peers.py closer CODE...
      Python websockets' server that echoes one message on each connection, then closes it
      with the next of the status codes given, in turn (the same code once all were used).
  ws_peers.py raw MODE OUTFILE
      A hand-written server, for what a well-behaved library never does. After reading the
      upgrade request it: refuse (403), badaccept (a wrong Sec-WebSocket-Accept), badproto
      (a subprotocol nobody offered), big (declares a 2 MiB message), masked (a masked frame,
      which only clients may send), midframe (closes in the middle of a frame), noclose
      (never answers the close frame), frag (a message in two fragments with a ping between
      them; the first frame that comes back, the pong, is appended to OUTFILE as "a ping").
"""
import asyncio
import base64
import hashlib
import json
import re
import signal
import socket
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def say_listening(port):
    print("listening on 127.0.0.1:%d" % port, flush=True)


def echo(outfile, protocols):
    import websockets
    seen = {"messages": 0, "subprotocols": [], "tokens": [], "kinds": []}

    async def handler(ws, path=None):
        seen["subprotocols"].append(ws.subprotocol)
        seen["tokens"].append(ws.request_headers.get("X-Token"))
        async for m in ws:
            seen["messages"] += 1
            kind = "binary" if isinstance(m, bytes) else "text"
            if kind not in seen["kinds"]:
                seen["kinds"].append(kind)
            await ws.send(m)

    async def main():
        stop = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
        async with websockets.serve(handler, "127.0.0.1", 0,
                                    subprotocols=protocols or None) as server:
            say_listening(server.sockets[0].getsockname()[1])
            await stop
        with open(outfile, "w") as f:
            json.dump(seen, f)

    asyncio.run(main())


def closer(codes):
    import websockets
    used = [0]

    async def handler(ws, path=None):
        code = codes[min(used[0], len(codes) - 1)]
        used[0] += 1
        try:
            await ws.send(await ws.recv())
        finally:
            await ws.close(code=code, reason="closer")

    async def main():
        stop = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
        async with websockets.serve(handler, "127.0.0.1", 0) as server:
            say_listening(server.sockets[0].getsockname()[1])
            await stop

    asyncio.run(main())


def recv_exact(c, n):
    data = b""
    while len(data) < n:
        chunk = c.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_frame(c):
    """One frame from the client: (opcode, unmasked payload)."""
    b0, b1 = recv_exact(c, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", recv_exact(c, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", recv_exact(c, 8))[0]
    mask = recv_exact(c, 4) if b1 & 0x80 else b"\0\0\0\0"
    payload = bytes(x ^ mask[i % 4] for i, x in enumerate(recv_exact(c, n)))
    return b0 & 0x0F, payload


def serve_raw(c, mode, outfile):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            return
        data += chunk
    key = re.search(rb"(?i)sec-websocket-key:\s*(\S+)", data).group(1)
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    if mode == "refuse":
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        return
    if mode == "badaccept":
        accept = base64.b64encode(hashlib.sha1(key).digest())
    extra = b"Sec-WebSocket-Protocol: mqtt\r\n" if mode == "badproto" else b""
    c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n" + extra +
              b"\r\n")
    if mode == "big":  # a text frame that says 2 MiB follow, and 64 KiB of them
        c.sendall(b"\x81\x7f" + struct.pack(">Q", 2 << 20) + b"x" * 65536)
    elif mode == "masked":
        c.sendall(b"\x81\x82\x01\x02\x03\x04" + bytes([ord("h") ^ 1, ord("i") ^ 2]))
    elif mode == "midframe":  # says 4096 bytes, sends 100, closes
        c.sendall(b"\x81\x7e\x10\x00" + b"x" * 100)
        time.sleep(0.05)
        return
    elif mode == "frag":  # then answers the close as it should
        c.sendall(b"\x01\x03hel" + b"\x89\x04ping" + b"\x80\x02lo")
        try:
            opcode, payload = read_frame(c)
            with open(outfile, "a") as f:
                f.write("%x %s\n" % (opcode, payload.decode()))
            while opcode != 8:
                opcode, payload = read_frame(c)
            c.sendall(b"\x88\x02" + payload[:2])
        except EOFError:
            return
    try:  # read until the client goes (noclose: whatever it says)
        while c.recv(65536):
            pass
    except OSError:
        pass


def raw(mode, outfile):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    say_listening(srv.getsockname()[1])

    def one(c):
        try:
            serve_raw(c, mode, outfile)
        finally:
            c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=one, args=(c,), daemon=True).start()


if sys.argv[1] == "echo":
    echo(sys.argv[2], sys.argv[3:])
elif sys.argv[1] == "closer":
    closer([int(c) for c in sys.argv[2:]])
else:
    raw(sys.argv[2], sys.argv[3])

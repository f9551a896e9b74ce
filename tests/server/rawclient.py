"""A raw WebSocket client on a plain socket with a tiny receive buffer, which can stop reading.

It speaks the protocol through websockets' sans-I/O ``ClientProtocol``, so
nothing reads from its socket behind the test's back: once the test stops
calling :meth:`RawClient.request`, the bytes pile up in the server.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from tests.support.server import WAIT

RECEIVE_BUFFER = 4096


class RawClient:
    def __init__(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        self.sock = sock
        self.protocol = protocol
        self._loop = asyncio.get_running_loop()

    @classmethod
    async def open(cls, host: str, port: int) -> RawClient:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.setblocking(False)
        client = cls(sock, ClientProtocol(parse_uri(f"ws://{host}:{port}/"), max_size=None))
        await asyncio.wait_for(client._loop.sock_connect(sock, (host, port)), WAIT)
        client.protocol.send_request(client.protocol.connect())
        await client._flush()
        while not any(isinstance(e, Response) for e in await client._receive()):
            pass
        return client

    @property
    def local_port(self) -> int:
        return int(self.sock.getsockname()[1])

    async def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                await self._loop.sock_sendall(self.sock, data)

    async def _receive(self) -> list[Any]:
        data = await asyncio.wait_for(self._loop.sock_recv(self.sock, 65536), WAIT)
        if not data:
            raise ConnectionResetError("the server closed the connection")
        self.protocol.receive_data(data)
        await self._flush()  # pongs and close frames
        return list(self.protocol.events_received())

    async def request(self, rtype: str, data: dict[str, Any], rid: str) -> dict[str, Any]:
        self.protocol.send_text(json.dumps({"type": rtype, "id": rid, "data": data}).encode())
        await self._flush()
        while True:
            for event in await self._receive():
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    frame = json.loads(bytes(event.data))
                    if frame.get("re") == rid:
                        return dict(frame)

    async def is_cut_off(self) -> bool:
        """Read what the server left (bounded); True once the socket reports its end."""
        try:
            while True:
                await self._receive()
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.sock.close()

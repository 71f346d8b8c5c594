"""A TCP proxy on loopback that adds a fixed delay to every request, and counts round trips.

Each burst of bytes a client sends after the server last spoke (an HTTP/1.1 request, a TLS
ClientHello) waits `delay` seconds before it is forwarded: one delay per round trip, whatever
speaks over the connection. Answers pass through at once. It counts connections and bursts,
so a benchmark can tell how many round trips a whole process made, whichever client it is.

The first line of each request is kept (path only, no query, no headers: nothing secret), so
a benchmark can show which requests a tool made.

It runs an asyncio loop in a daemon thread, only on 127.0.0.1, and stops by itself after
`lifetime` seconds (or on `stop()`); idle connections are dropped after `idle_timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass

CHUNK = 64 * 1024
MAX_LINES = 1000


@dataclass(frozen=True)
class Counts:
    connections: int
    round_trips: int

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.connections - other.connections, self.round_trips - other.round_trips)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.connections + other.connections, self.round_trips + other.round_trips)


class LatencyProxy:
    """`127.0.0.1:proxy.port` forwards to `127.0.0.1:upstream_port`, `delay` s per request."""

    def __init__(
        self,
        upstream_port: int,
        *,
        delay: float = 0.0,
        lifetime: float = 900.0,
        idle_timeout: float = 30.0,
    ) -> None:
        self.upstream_port = upstream_port
        # Read by the proxy loop at each request: the benchmark changes it between phases.
        self.delay = delay
        self._lifetime = lifetime
        self._idle = idle_timeout
        self._lock = threading.Lock()
        self._connections = 0
        self._round_trips = 0
        # (monotonic time, first line of the request), oldest first
        self._lines: list[tuple[float, str]] = []
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- life cycle --

    def start(self) -> LatencyProxy:
        self._thread = threading.Thread(target=self._run, name="latency-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10) or not self.port:
            raise RuntimeError("latency proxy did not start")
        return self

    def stop(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            # RuntimeError: the loop already ended (its lifetime ran out).
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def counts(self) -> Counts:
        with self._lock:
            return Counts(self._connections, self._round_trips)

    def lines_since(self, since: float) -> list[tuple[float, str]]:
        with self._lock:
            return [(t, line) for t, line in self._lines if t >= since]

    def _record(self, data: bytes) -> None:
        line = request_line(data)
        with self._lock:
            self._round_trips += 1
            self._lines.append((time.monotonic(), line))
            del self._lines[:-MAX_LINES]

    # -- the loop --

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                tasks.add(task)
            try:
                await self._serve(reader, writer)
            finally:
                if task is not None:
                    tasks.discard(task)

        server = await asyncio.start_server(accepted, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        # Bounded: a forgotten proxy ends by itself.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), self._lifetime)
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self._connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        # True when the next client bytes start a new request (nothing sent since the answer).
        turn = {"fresh": True}

        async def client_to_server() -> None:
            while data := await asyncio.wait_for(reader.read(CHUNK), self._idle):
                if turn["fresh"]:
                    turn["fresh"] = False
                    self._record(data)
                    if self.delay > 0:
                        await asyncio.sleep(self.delay)
                up_writer.write(data)
                await up_writer.drain()
            if up_writer.can_write_eof():
                up_writer.write_eof()

        async def server_to_client() -> None:
            while data := await asyncio.wait_for(up_reader.read(CHUNK), self._idle):
                turn["fresh"] = True
                writer.write(data)
                await writer.drain()

        upstream = asyncio.ensure_future(client_to_server())
        downstream = asyncio.ensure_future(server_to_client())
        pumps = [upstream, downstream]
        try:
            done, _ = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            if upstream in done and not upstream.cancelled() and upstream.exception() is None:
                # The client half-closed: let the answer finish, then close.
                await asyncio.wait([downstream], timeout=self._idle)
        except asyncio.CancelledError:
            pass
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            for w in (writer, up_writer):
                w.close()


def request_line(data: bytes) -> str:
    """`GET /v2/...` without the query and protocol; a TLS ClientHello as such."""
    if data[:1] == b"\x16":
        return "(TLS handshake)"
    head = data.split(b"\r\n", 1)[0].decode("latin-1")
    method, _, rest = head.partition(" ")
    target = rest.rsplit(" ", 1)[0].split("?", 1)[0]
    return f"{method} {target}" if method.isalpha() else "(not HTTP)"

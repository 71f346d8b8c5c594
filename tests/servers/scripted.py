"""A small HTTP/1.1 server on loopback whose answers a test scripts, for fault injection.

Each request goes to a handler `(Request) -> Reply`; a `Reply` can be delayed, truncated
(a Content-Length larger than the bytes sent, then the connection closes), chunked without a
length, dripped a byte at a time, endless, raw bytes (headers no well-behaved server would
send), or plain. Every request is recorded with its headers and body, so a test can assert
what the client sent where (and what it did not send: a credential to another host).
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def route(self) -> str:
        return self.path.split("?", 1)[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        from urllib.parse import parse_qsl

        return parse_qsl(self.path.partition("?")[2], keep_blank_values=True)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    # Seconds to wait before the status line (a slow registry).
    delay: float = 0.0
    # Send only this many body bytes after announcing the full Content-Length, then close.
    truncate_to: int | None = None
    # No Content-Length: chunked transfer encoding, so the size is unknown up front.
    chunked: bool = False
    # Seconds between body bytes: each byte arrives well within any per-read timeout.
    drip: float = 0.0
    # Chunked, repeating `body` until the client hangs up (or the server stops).
    endless: bool = False
    # Written to the socket as is instead of a status line, headers and body; then close.
    raw: bytes | None = None


def json_reply(status: int, doc: object, *headers: tuple[str, str]) -> Reply:
    body = json.dumps(doc).encode()
    return Reply(status, body, (("Content-Type", "application/json"), *headers))


def registry_error(status: int, code: str, message: str, *headers: tuple[str, str]) -> Reply:
    return json_reply(
        status, {"errors": [{"code": code, "message": message, "detail": {}}]}, *headers
    )


# Server text that must be shown, never obeyed: Textual markup, an ANSI colour, a bell, a
# title-setting OSC and a bidi override (for the display tests of the CLI and the app).
HOSTILE_TEXT = "[/oops] [b]bold[/b] \x1b[31mred\x1b[0m \x07\x1b]0;title\x07 \u202eevil"


def hostile_registry_error(status: int = 404, code: str = "MANIFEST_UNKNOWN") -> Reply:
    """A registry error whose message (and a header) carry HOSTILE_TEXT."""
    reply = registry_error(status, code, HOSTILE_TEXT)
    return Reply(status, reply.body, (*reply.headers, ("X-Hostile", "[/oops]")))


Handler = Callable[[Request], Reply]
# What a route answers: one reply, replies in turn, or a function of the request.
Route = Handler | Reply | Iterable[Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-answer (a size cap, a timeout) is what tests provoke.
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class ScriptedServer:
    """`with ScriptedServer(handler) as server:` serves on http(s)://HOST:server.port."""

    handler: Handler
    host: str = "127.0.0.1"
    cert: tuple[Path, Path] | None = None
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        # Ends dripping and endless answers when the test is over.
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.cert else "http"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    def requests_to(self, route_prefix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.route.startswith(route_prefix)]

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> ScriptedServer:
        server = self
        self._stopping.clear()

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server._record(request)
                reply = server.handler(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.raw is not None:
                    self._write(reply.raw)
                    self.close_connection = True
                    return
                if reply.drip or reply.endless:
                    self._stream(reply)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(reply.body), 64 * 1024):
                        chunk = reply.body[start : start + 64 * 1024]
                        try:
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        except OSError:
                            # The client stopped reading (a size cap): fine.
                            self.close_connection = True
                            return
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.truncate_to is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                sent = reply.body if reply.truncate_to is None else reply.body[: reply.truncate_to]
                try:
                    self.wfile.write(sent)
                    self.wfile.flush()
                except OSError:
                    self.close_connection = True
                    return
                if reply.truncate_to is not None:
                    self.close_connection = True

            def _write(self, data: bytes) -> bool:
                try:
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:
                    return False
                return True

            def _stream(self, reply: Reply) -> None:
                """A body that trickles (`drip`) or never ends (`endless`), chunked."""
                self.close_connection = True
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if not self._write(b""):
                    return
                piece = reply.body or b"x"
                while not server._stopping.is_set():
                    for i in range(len(piece)) if reply.drip else (0,):
                        part = piece[i : i + 1] if reply.drip else piece
                        if not self._write(f"{len(part):x}\r\n".encode() + part + b"\r\n"):
                            return
                        if reply.drip and server._stopping.wait(reply.drip):
                            return
                    if not reply.endless:
                        break
                self._write(b"0\r\n\r\n")

            do_GET = do_POST = do_HEAD = do_PUT = _serve

        httpd = _QuietServer((self.host, self.port), _Handler)
        if self.cert is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def routes(table: dict[str, Route]) -> Handler:
    """A handler from `{route: reply | [replies in turn] | handler}`; unknown routes get 404.

    A list is consumed one reply per request; its last reply repeats.
    """
    queues: dict[str, list[Reply]] = {}
    handlers: dict[str, Handler] = {}
    for route, answer in table.items():
        if isinstance(answer, Reply):
            queues[route] = [answer]
        elif callable(answer):
            handlers[route] = answer
        else:
            queues[route] = list(answer)
    lock = threading.Lock()

    def handle(request: Request) -> Reply:
        if request.route in handlers:
            return handlers[request.route](request)
        with lock:
            queue = queues.get(request.route)
            if not queue:
                return registry_error(404, "NOT_FOUND", f"no script for {request.route}")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    return handle

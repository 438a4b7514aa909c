"""A lean HTTP/1.1 client for the load benchmark: asyncio streams, a cookie jar per user, no more.

`requests` costs the client a few milliseconds of CPU per request (its session, adapters, cookie
policy and header machinery); at a hundred requests a second that is a good part of the cores the
benchmark measures. This client writes the request bytes itself and reads the answer by its
`Content-Length` (or chunks, or to the end), so one process drives dozens of users for well under a
millisecond of CPU per request. It speaks to 127.0.0.1 only and keeps a connection open when the
server allows it (gunicorn's sync workers close every connection; gthread keeps them).

Cookies: the portal's production cookies are `Secure`; the client sends them over plain HTTP to
127.0.0.1 as the TLS proxy in front of gunicorn would. A cookie set with `Max-Age=0` or an expiry
in 1970 (Flask's deletion) is dropped.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"


class HttpError(Exception):
    """The server's answer could not be read as HTTP/1.1 (`before_headers`: not one byte came)."""

    def __init__(self, message: str, before_headers: bool = False) -> None:
        super().__init__(message)
        self.before_headers = before_headers


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One user: a cookie jar and at most one open connection."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    _conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict[str, str] | list[tuple[str, str]]) -> Response:
        return await self.request("POST", path, urlencode(form).encode())

    async def request(self, method: str, path: str, body: bytes | None = None) -> Response:
        head = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}:{self.port}", "Accept-Encoding: identity"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b"")
        reused, self._conn = self._conn, None
        try:
            response, keep, conn = await self._exchange(reused, payload)
        except (HttpError, ConnectionError) as exc:
            # A kept connection the server closed meanwhile (its keep-alive timeout) is not an
            # error: send again on a new one, as a browser does. A new connection is not retried.
            if reused is None or not getattr(exc, "before_headers", isinstance(exc, ConnectionError)):
                raise
            response, keep, conn = await self._exchange(None, payload)
        reader, writer = conn
        if keep:
            self._conn = (reader, writer)
        else:
            writer.close()
        self._take_cookies(response)
        return response

    async def _exchange(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None, payload: bytes
                        ) -> tuple[Response, bool, tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
        reader, writer = conn or await asyncio.open_connection(LOOPBACK, self.port)
        try:
            writer.write(payload)
            response, keep = await read_response(reader)
        except BaseException:
            writer.close()
            raise
        return response, keep, (reader, writer)

    def close(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None

    def _take_cookies(self, response: Response) -> None:
        for key, value in response.headers:
            if key != "set-cookie":
                continue
            pair, _, attributes = value.partition(";")
            name, _, content = pair.strip().partition("=")
            lowered = attributes.lower().replace(" ", "")
            if "max-age=0" in lowered or "1970" in lowered:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = content


async def read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    """One response from `reader`, and whether the connection stays open after it."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        raise HttpError(f"connection closed before the headers ({len(exc.partial)} bytes)",
                        before_headers=not exc.partial) from exc
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"not an HTTP/1.x status line: {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        if line:
            key, _, value = line.partition(":")
            headers.append((key.strip().lower(), value.strip()))
    response = Response(int(parts[1]), headers, b"")
    length = response.header("content-length")
    chunked = (response.header("transfer-encoding") or "").lower() == "chunked"
    if chunked:
        pieces = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers from the portal: the empty line
                break
            pieces.append(await reader.readexactly(size))
            await reader.readexactly(2)
        response.body = b"".join(pieces)
    elif length is not None:
        response.body = await reader.readexactly(int(length))
    else:
        response.body = await reader.read()
        return response, False
    closing = (response.header("connection") or "").lower() == "close" or parts[0] == "HTTP/1.0"
    return response, not closing

"""The load benchmark's lean HTTP client (bench/web/client.py) reads what a server sends: lengths,
chunks, closing connections, cookies set and deleted, form posts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import parse_qs

from bench.web.client import Browser

T = TypeVar("T")


def _in_own_loop(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main()` in an event loop of its own thread, as the benchmark's client processes do: the
    browser tests' Playwright keeps a loop running in the main thread for the whole session, where
    `asyncio.run` is refused (and the coroutine it was given is left never awaited)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result(timeout=60)


async def _serve(answers: list[bytes], seen: list[bytes]) -> tuple[asyncio.AbstractServer, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while answers:
            head = await reader.readuntil(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")]
            seen.append(head + (await reader.readexactly(length[0]) if length else b""))
            answer = answers.pop(0)
            writer.write(answer)
            await writer.drain()
            if b"Connection: close" in answer:
                break
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_lengths_chunks_cookies_and_forms() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
        b"Set-Cookie: session=abc; Secure; HttpOnly; Path=/\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"HTTP/1.1 302 FOUND\r\nLocation: /me/\r\nContent-Length: 0\r\nConnection: close\r\n"
        b"Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\r\n\r\n",
    ]
    seen: list[bytes] = []

    async def run() -> list[tuple[int, bytes, dict[str, str]]]:
        server, port = await _serve(answers, seen)
        browser = Browser(port)
        out = []
        first = await browser.get("/a")
        out.append((first.status, first.body, dict(browser.cookies)))
        second = await browser.get("/b")  # the same connection: the server kept it open
        out.append((second.status, second.body, dict(browser.cookies)))
        third = await browser.post("/c", {"code": "12 34", "csrf_token": "t&k"})
        out.append((third.status, third.body, dict(browser.cookies)))
        assert third.header("location") == "/me/"
        browser.close()
        server.close()
        await server.wait_closed()
        return out

    out = _in_own_loop(run)
    assert out == [(200, b"hello", {"session": "abc"}), (200, b"abcde", {"session": "abc"}), (302, b"", {})]
    assert seen[0].startswith(b"GET /a HTTP/1.1\r\n") and b"Cookie" not in seen[0]
    assert b"Cookie: session=abc\r\n" in seen[1]
    head, _, body = seen[2].partition(b"\r\n\r\n")
    assert head.startswith(b"POST /c HTTP/1.1") and b"Content-Type: application/x-www-form-urlencoded" in head
    assert parse_qs(body.decode()) == {"code": ["12 34"], "csrf_token": ["t&k"]}


def test_a_kept_connection_the_server_closed_is_sent_again_on_a_new_one() -> None:
    """gthread closes an idle kept connection after its keep-alive timeout; the next request then
    reads nothing on it, and goes again on a new connection, as a browser's would."""
    calls: list[int] = []

    async def run() -> tuple[int, int]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            calls.append(1)
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            writer.close()  # keeps nothing open, though it did not say "Connection: close"
            await writer.wait_closed()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        browser = Browser(server.sockets[0].getsockname()[1])
        first = await browser.get("/")
        await asyncio.sleep(0.05)
        second = await browser.get("/")
        browser.close()
        await asyncio.sleep(0.01)
        server.close()
        await server.wait_closed()
        return first.status, second.status

    assert _in_own_loop(run) == (200, 200)
    assert len(calls) == 2

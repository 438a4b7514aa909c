"""Browser fixtures: the portal served on a free local port, Debian's chromium driven by Playwright.

Chromium comes from Debian (`apt-get install chromium`), never from a Playwright download. Where
it is missing the browser tests are skipped with a reason, unless REQUIRE_E2E=1 (as in CI), which
turns that into a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.e2e.helpers import log_in

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield WatchedBrowser(browser)
        browser.close()


class InFlight:
    """The app, counting the requests being answered, so the server stops only once they are done.

    `server.shutdown()` stops accepting; a request the browser sent just before (a script's fetch,
    a favicon) may still be running in its own thread. Were the app's engine disposed under it, its
    connection would be checked in to the old pool and dropped unclosed later, in another test.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ: dict, start_response):  # type: ignore[no-untyped-def]
        with self.idle:
            self.count += 1
        try:
            result = self.app(environ, start_response)
            try:
                return list(result)
            finally:
                getattr(result, "close", lambda: None)()
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout)


@pytest.fixture()
def live_server(app: Flask) -> Iterator[str]:
    served = InFlight(app)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    assert served.wait_idle(30), "a request was still being answered 30 s after the test ended"
    server.server_close()


# Chromium reports a CSP violation as a DOM event, not as a console call Playwright sees: relay it.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (event) =>
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI));"""


class WatchedBrowser:
    """The browser, with every new context relaying CSP violations into `violations`."""

    def __init__(self, browser: object) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **kwargs: object) -> object:
        context = self._browser.new_context(**kwargs)  # type: ignore[attr-defined]
        context.add_init_script(CSP_WATCH)
        context.on("console", lambda message: self.violations.append(message.text)
                   if message.text.startswith("CSP violation") else None)
        return context

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """The portal's CSP must never block anything its own pages use, in any browser test."""
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.violations.clear()
    yield
    assert watched.violations == [], watched.violations


@pytest.fixture()
def open_page(browser, live_server: str) -> Iterator[Callable[..., Any]]:
    """Opens a page in a browser context of its own (its own cookies), in Dutch, on the live server.

    `open_page(email, width=390)` logs `email` in first; `width=None` keeps Playwright's default
    viewport; other keywords go to the context (`accept_downloads=True`). Every context opened is
    closed when the test ends."""
    contexts: list[Any] = []

    def open_(email: str | None = None, *, width: int | None = 1366, height: int = 900,
              **options: Any) -> Any:
        if width is not None:
            options["viewport"] = {"width": width, "height": height}
        context = browser.new_context(base_url=live_server, locale="nl-NL", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email is not None:
            log_in(page, email)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture()
def page(open_page: Callable[..., Any]) -> object:
    """A page in Playwright's default viewport, nobody logged in."""
    return open_page(width=None)

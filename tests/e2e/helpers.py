"""Steps the browser tests share: log in, check a page fits its screen, keep a screenshot, download a
file, fill in the learner form. A new page at a given width comes from the `open_page` fixture
(tests/e2e/conftest.py).

Screenshots are kept only when E2E_SHOTS names a folder (`E2E_SHOTS=/tmp/shots/x pytest tests/e2e`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.factories import PASSWORD

SHOTS = os.environ.get("E2E_SHOTS")  # a folder to keep the screenshots in, when set
WIDTHS = (1366, 390)  # a laptop and a phone held upright


def submit_log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Fill in the log-in form the page shows and send it; returns once the browser has left /login."""
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Open /login and log in (a second factor, when the account has one, is the test's own step)."""
    page.goto("/login")
    submit_log_in(page, email, password)


def scroll_width(page: Any) -> int:
    """How wide the page is drawn, in CSS pixels (wider than the screen: it scrolls sideways).

    Measured once the page has loaded: right after a click a locator may already find the new
    page's rows while its stylesheet is still on its way, and a table laid out without it is as
    wide as its content (a 2,506 px register report once, on a busy machine)."""
    page.wait_for_load_state("load")
    return int(page.evaluate("document.documentElement.scrollWidth"))


def fits(page: Any, width: int | None = None) -> bool:
    """True when the page is no wider than `width` (default: the page's own viewport)."""
    return scroll_width(page) <= (width or page.viewport_size["width"])


def assert_fits(page: Any, where: str = "") -> None:
    """Fail, naming the page and its width, when it is wider than its viewport."""
    width, screen = scroll_width(page), page.viewport_size["width"]
    assert width <= screen, f"{where or page.url} is {width} px wide at {screen} px"


def shot(page: Any, name: str, part: Any = "", full_page: bool = True) -> None:
    """The page (or only `part`, a selector or a locator) as `<E2E_SHOTS>/<name>.png`, when E2E_SHOTS
    is set."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    target = str(Path(SHOTS) / f"{name}.png")
    if part:
        (page.locator(part) if isinstance(part, str) else part).screenshot(path=target)
    else:
        page.screenshot(path=target, full_page=full_page)


def shots_at_widths(page: Any, name: str, widths: Sequence[int] = WIDTHS, height: int = 900) -> None:
    """At each width: the page fits, and its screenshot is `<name>-<width>`; then back to the first width."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"{name}-{width}")
        assert_fits(page, name)
    page.set_viewport_size({"width": widths[0], "height": height})


def download(page: Any, locator: Any) -> tuple[str, bytes]:
    """Click `locator` and wait for the file it downloads: its suggested name and its bytes."""
    with page.expect_download() as info:
        locator.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def fill_learner_form(
    page: Any, *, bsn: str, first_name: str, last_name: str, date_of_birth: str, municipality: str,
    postcode: str, languages: Sequence[str], place: str = "", route: str = "B1",
    term_start: str = "2025-06-01", loan: str = "10000",
) -> None:
    """Fill in the new-learner form (/learners/new) as an admin types it; the test presses Opslaan."""
    page.get_by_label("BSN").fill(bsn)
    page.get_by_label("Voornaam").fill(first_name)
    page.get_by_label("Achternaam").fill(last_name)
    page.get_by_label("Geboortedatum").fill(date_of_birth)
    page.get_by_label("Route", exact=True).select_option(route)
    page.get_by_label("Gemeente").fill(municipality)  # any Dutch municipality, typed (type-ahead)
    page.get_by_label("Postcode").fill(postcode)
    if place:
        page.get_by_label("Woonplaats").fill(place)
    page.get_by_label("Gesproken talen").select_option(list(languages))
    page.get_by_label("Begin inburgeringstermijn (DUO)").fill(term_start)
    page.get_by_label("DUO-lening (EUR)").fill(loan)

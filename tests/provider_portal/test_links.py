"""No link leads a user to a refusal: every link each demo role sees on its dashboard, in its navigation
and one page further answers without 403, 404 or a server error."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

from flask import Flask
from sqlmodel import Session

from provider_portal.demo import DEMO_PASSWORD, seed
from provider_portal.models.enums import Role
from tests.web import login, text

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
TODAY = date(2026, 3, 11)
PER_SHAPE = 2  # /learners/12 and /learners/40 are the same page: visit two of each shape


def _links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in HREF.findall(html) if not href.startswith("/static/")]


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def _walk(app: Flask, email: str) -> tuple[dict[str, int], int]:
    """Log in, open the dashboard, then every link on it and on the pages it links to."""
    client = app.test_client()
    login(client, email, DEMO_PASSWORD)
    start = client.get("/dashboard", follow_redirects=True)
    assert start.status_code == 200
    seen: dict[str, int] = {}
    shapes: Counter[str] = Counter()
    frontier = _links(text(start))
    for _depth in range(2):
        found: list[str] = []
        for url in frontier:
            if url in seen or shapes[_shape(url)] >= PER_SHAPE or url.startswith(("/login", "/logout")):
                continue
            shapes[_shape(url)] += 1
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code == 200 and response.mimetype == "text/html":
                found += _links(text(response))
        frontier = found
    return seen, len(seen)


def test_no_link_shown_to_a_demo_role_leads_to_a_refusal(app: Flask, db: Session, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 11, 10, 0))
    _, logins = seed(db, today=TODAY)
    db.commit()
    by_role: dict[str, str] = {}
    for email, role in logins:
        by_role.setdefault(str(role), email)
    assert set(by_role) == {str(role) for role in Role}
    broken: dict[str, dict[str, int]] = {}
    for role, email in sorted(by_role.items()):
        seen, visited = _walk(app, email)
        assert visited >= 3, f"{role} saw almost no links: {seen}"
        refused = {url: code for url, code in seen.items() if code in (403, 404) or code >= 500}
        if refused:
            broken[f"{role} ({email})"] = refused
    assert broken == {}, f"links that lead to refusals: {broken}"

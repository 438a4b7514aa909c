"""Every journey holds as its users walk it (issue 11): the demo, walked by each role.

The demo is seeded, one group-session run, one exam run and one quarter's invoice drafts go
through the jobs code, a few invoices are issued, paid and credited; then each demo role logs in
(in Dutch, the default) and follows every link and every GET form it is shown, breadth-first; a
form is sent as it is and once per option of each of its selects (every filter value).
A page fails the walk on a 5xx, a link answering 403/404 to the user it was shown to, English text
(a catalogue text shown untranslated, or a raw status such as "draft"), a duplicate HTML id or a
label for no field, and any learner's full BSN in a URL, including the URL a search form would
open with a BSN typed into it.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.demo import DEMO_PASSWORD, seed
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.invoicing.lifecycle import change_status, credit, issue_all
from provider_portal.jobs.queue import run_pending
from provider_portal.labels import JOB_KIND
from provider_portal.models import (
    Enrolment,
    ExamLocation,
    Invoice,
    Job,
    Learner,
    Lesson,
    PlannerMunicipality,
    PlanRun,
    User,
)
from provider_portal.models.enums import JobStatus, LessonStatus, Role
from provider_portal.models.invoicing import InvoiceStatus
from provider_portal.planning.runs import publish, start_run
from provider_portal.reference.places import LANGUAGES
from tests.pages import Page, read_page
from tests.provider_portal.tenancy_check import full_filter_check  # noqa: F401
from tests.web import login

# Every statement these pages run is also checked: the narrowed tenant filter is the whole one.
pytestmark = pytest.mark.usefixtures("full_filter_check")

CATALOGUE = Path(__file__).parents[2] / "provider_portal/translations/nl/LC_MESSAGES/messages.po"
ROLES = {
    "provider admin": "admin@taalhuis-utrecht.nl",
    "teacher": "teacher@taalhuis-utrecht.nl",
    "finance": "finance@taalhuis-utrecht.nl",
    "learner": "cursist1@taalhuis-utrecht.nl",  # replaced by one with a lesson today
    "planner": "planner.utrecht@gemeente-demo.nl",
    "platform admin": "beheer@inburgering-planner.nl",
}
PAGES_PER_ROLE = 400  # a cap, so the walk stays quick (the demo needs about 220); the counts printed show it
SAME_SHAPE = 3  # URLs differing only in numbers: this many of each shape are opened
# Raw codes and English words that must never reach a Dutch page, whole words.
ENGLISH = re.compile(
    r"\b(draft|issued|submitted|accepted|rejected|paid|credit_note|delivered|self-confirmed|planned|"
    r"required|exempt|unplaced|queued|pending|running|succeeded|failed|cancelled|scheduled|left_early|"
    r"absent_notice|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|morning|afternoon|"
    r"evening|row|column|gap|None|active|terminated|completed|passed|optimal|feasible|accessible|extra_time)\b"
    r"|\b[a-z]+(?:_[a-z]+)+\b"  # a snake_case code such as carried_over
)
# Raw codes that are not snake_case: job kinds ("planning.run"), languages as ISO codes ("ar/prs/ti",
# "ar, ti"), exam locations by their code ("amsterdam 2027-01-14").
JOB_KINDS = re.compile(r"\b(?:" + "|".join(re.escape(kind) for kind in JOB_KIND) + r")\b")
ISO_CODES = "|".join(sorted(LANGUAGES, key=len, reverse=True))
LANGUAGE_CODES = re.compile(rf"(?:^|[\s(])(?:{ISO_CODES})(?:\s*[/,]\s*(?:{ISO_CODES}))+(?=$|[\s).,;])"
                            rf"|^(?:{ISO_CODES})$")
NOT_PAGES = ("/static/",)
DUO_LOCATIONS = ("Amsterdam", "Rijswijk", "Rotterdam", "Eindhoven", "Zwolle")  # the migration's rows
LOCATION_CODES = re.compile(r"\b(?:" + "|".join(name.lower() for name in DUO_LOCATIONS) + r")\b")


@dataclass(frozen=True)
class Problem:
    role: str
    url: str
    found_on: str
    what: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.url} (linked from {self.found_on}): {self.what}"


def empty_msgids() -> set[str]:
    """Catalogue texts with no Dutch at all: shown, they are English on a Dutch page."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        dutch = message.string[0] if isinstance(message.string, tuple) else message.string
        if english and not dutch and re.search(r"[A-Za-z]{2}", english):
            found.add(" ".join(english.split()))
    return found


def untranslated_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """A pattern per catalogue text whose Dutch differs from its English: seen as is, it is untranslated."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    patterns = []
    for message in catalogue:
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        dutch = message.string[0] if isinstance(message.string, tuple) else message.string
        if not english or not dutch or dutch == english or not re.search(r"[A-Za-z]{2}", english):
            continue
        parts = re.split(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}", english)
        body = ".+?".join(re.escape(" ".join(part.split())) for part in parts)
        edge_start, edge_end = re.match(r"\w", english), re.search(r"\w$", english)
        body = (r"\b" if edge_start else "") + body + (r"\b" if edge_end else "")
        longest = max((" ".join(p.split()) for p in parts), key=len)
        patterns.append((longest, re.compile(body)))
    return patterns


@dataclass(frozen=True)
class Demo:
    bsns: set[str]  # every learner's BSN: none may appear in a URL
    logins: dict[str, str]  # role -> e-mail


@pytest.fixture()
def demo(app: Flask, db: Session, engine: Engine, frozen_now) -> Demo:
    """The demo with a published session run, a published exam run and a quarter of invoices."""
    frozen_now(datetime(2026, 5, 11, 10, 0))  # a Monday morning: lessons under way, Q1 to invoice
    db.add_all(ExamLocation(code=name.lower(), name=f"DUO {name}", lat=52.0, lon=5.0,
                            facilities=["accessible", "extra_time"]) for name in DUO_LOCATIONS)
    seed(db)
    db.commit()
    planner = db.execute(sa.select(User).where(User.email == ROLES["planner"])).scalar_one()
    towns = tuple(db.execute(sa.select(PlannerMunicipality.municipality)
                             .where(PlannerMunicipality.user_id == planner.id)).scalars())
    runs = [start_run(db, planner, towns, 5, clock.today(), kind=kind) for kind in ("sessions", "exams")]
    db.commit()
    invoicing_jobs.enqueue_quarter_drafts(db, Quarter.of(clock.today()).prev())
    db.commit()
    run_pending(engine)
    jobs = db.execute(sa.select(Job.kind, Job.status, Job.error)).all()
    assert all(status == JobStatus.SUCCEEDED for _, status, _ in jobs), jobs
    for run in runs:
        db.refresh(run)
        publish(db, db.get(PlanRun, run.id))
        db.commit()
    _invoice_lifecycle(db)
    bsns = set(db.execute(sa.select(Learner.bsn)).scalars())
    return Demo(bsns, {**ROLES, "learner": _learner_with_a_lesson_today(db)})


def _learner_with_a_lesson_today(db: Session) -> str:
    """A demo learner of the first provider with a lesson today, so "My lessons" has a form to follow."""
    today = clock.today()
    return db.execute(
        sa.select(User.email)
        .join(Enrolment, Enrolment.learner_id == User.learner_id)
        .join(Lesson, Lesson.class_id == Enrolment.class_id)
        .where(User.role == Role.LEARNER, User.email.endswith("@taalhuis-utrecht.nl"),
               Lesson.lesson_date == today, Lesson.status == LessonStatus.SCHEDULED,
               Enrolment.from_date <= today, sa.or_(Enrolment.to_date.is_(None), Enrolment.to_date >= today))
        .order_by(User.id)
        .limit(1)
    ).scalar_one()


def _invoice_lifecycle(db: Session) -> None:
    """Issue a few drafts of the first provider; one is paid, one credited, one rejected."""
    drafts = db.execute(sa.select(Invoice)
                        .where(Invoice.status == InvoiceStatus.DRAFT, Invoice.total_cents > 0)
                        .order_by(Invoice.provider_id, Invoice.id).limit(4)).scalars().all()
    assert len(drafts) == 4, "the quarter's job made no drafts to issue"
    today = clock.today()
    issue_all(db, drafts, today)
    db.commit()
    change_status(db, drafts[0], InvoiceStatus.SUBMITTED)
    db.commit()
    change_status(db, drafts[0], InvoiceStatus.PAID, on=today)
    db.commit()
    change_status(db, drafts[1], InvoiceStatus.REJECTED, reason="BSN onbekend bij DUO")
    db.commit()
    credit(db, drafts[2], "Uren dubbel gefactureerd", today)
    db.commit()


def shape(url: str) -> str:
    """The URL with every number replaced: URLs of one shape show the same template."""
    return re.sub(r"\d+", "#", url)


def crawl(client: FlaskClient, role: str, bsns: set[str], untranslated) -> tuple[int, list[Problem]]:
    """Walk breadth-first from the home page; return (pages opened, problems)."""
    problems: list[Problem] = []
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = {"/"}
    shapes: Counter[str] = Counter()
    probed: set[str] = set()
    opened = 0
    while queue and opened < PAGES_PER_ROLE:
        url, source = queue.popleft()
        opened += 1
        response = client.get(url)
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            target = _local(url, response.headers["Location"])
            if target is not None and _has_bsn(target, bsns):
                problems.append(Problem(role, url, source, "redirects to a URL with a full BSN"))
            elif target is None or target.startswith("/login"):
                problems.append(Problem(role, url, source, f"redirects to {response.headers['Location']}"))
            elif target not in seen:
                seen.add(target)
                queue.appendleft((target, url))
            continue
        if status >= 500 or status in (403, 404):
            problems.append(Problem(role, url, source, f"HTTP {status}"))
            continue
        if status != 200 or response.mimetype != "text/html":
            continue  # a download: its status is all there is to check
        page = read_page(response.get_data(as_text=True))
        problems += [Problem(role, url, source, what) for what in inspect(page, untranslated)]
        problems += [Problem(role, probe, url, "a BSN typed into a search form goes into the URL")
                     for probe in _bsn_probes(url, page, next(iter(bsns)), probed)]
        for target in _targets(url, page):
            if _has_bsn(target, bsns):
                problems.append(Problem(role, target, url, "a full BSN in the URL"))
                continue
            if target in seen or shapes[shape(target)] >= SAME_SHAPE:
                continue
            seen.add(target)
            shapes[shape(target)] += 1
            queue.append((target, url))
    return opened, problems


def _has_bsn(url: str, bsns: set[str]) -> bool:
    return any(number in bsns for number in re.findall(r"\d{9}", url))


def _bsn_probes(url: str, page: Page, bsn: str, probed: set[str]) -> list[str]:
    """The GET forms of the page that would carry a BSN typed into them in the URL (once each); a
    search box whose `pattern` or `maxlength` refuses a full BSN keeps it out of the URL."""
    found = []
    for form in page.forms:
        for name in form.search_fields:
            if not form.accepts(name, bsn):
                continue
            target = form.url(url, [(k, bsn if k == name else v) for k, v in form.fields])
            key = f"{target.split('?')[0]}:{name}"
            if bsn in target and key not in probed:
                probed.add(key)
                found.append(target.replace(bsn, "<BSN>"))
    return found


def _local(base: str, href: str) -> str | None:
    """The same-origin path and query of `href` (None for another site, mail or a fragment)."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.netloc != "localhost":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _targets(url: str, page: Page) -> list[str]:
    found = [_local(url, href) for href in page.links]
    found += [_local(url, variant) for form in page.forms for variant in form.variants(url)]
    return [t for t in found if t is not None and not t.startswith(NOT_PAGES)]


def inspect(page: Page, untranslated) -> list[str]:
    """What is wrong with one page: duplicate ids, labels for nothing, English text."""
    problems = [f"duplicate id {name!r}" for name in page.duplicate_ids]
    problems += [f"label for missing id {name!r}" for name in page.dangling_labels]
    text = page.visible_text
    for longest, pattern in untranslated:
        if longest in text and (match := pattern.search(text)):
            problems.append(f"untranslated {match.group(0)!r}")
    words = sorted({match.group(0) for match in ENGLISH.finditer(text)})
    problems += [f"English or raw code {word!r}" for word in words]
    problems += [f"untranslated (no Dutch in the catalogue) {node!r}" for node in page.texts
                 if node in EMPTY_MSGIDS]
    codes = {m.group(0).strip(" (") for node in page.texts
             for pattern in (JOB_KINDS, LANGUAGE_CODES, LOCATION_CODES) for m in pattern.finditer(node)}
    problems += [f"raw code {code!r}" for code in sorted(codes)]
    return problems


EMPTY_MSGIDS = empty_msgids()


def test_every_role_walks_the_demo_without_errors_english_or_exposed_bsns(
    app: Flask, demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    untranslated = untranslated_patterns()
    walked: dict[str, int] = {}
    problems: list[Problem] = []
    started = time.monotonic()
    login_page = read_page(app.test_client().get("/login").get_data(as_text=True))
    problems += [Problem("anyone", "/login", "(start)", what) for what in inspect(login_page, untranslated)]
    for number, (role, email) in enumerate(demo.logins.items(), start=1):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number}"  # one login each, under the rate limit
        login(client, email, DEMO_PASSWORD)
        walked[role], found = crawl(client, role, demo.bsns, untranslated)
        problems += found
    summary = ", ".join(f"{role}: {count}" for role, count in walked.items())
    with capsys.disabled():
        print(f"\ncrawl: pages walked per role: {summary} ({time.monotonic() - started:.0f} s)")
    assert all(count >= 3 for count in walked.values()), summary  # the learner has few pages
    assert not problems, f"{len(problems)} problems (pages walked: {summary}):\n" + report(problems)


def report(problems: list[Problem]) -> str:
    """One line per kind of problem, with the roles that met it and a few of its pages."""
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.what, []).append(problem)
    lines = []
    for what, found in sorted(grouped.items()):
        roles = sorted({p.role for p in found})
        pages = list(dict.fromkeys(f"{p.url} (from {p.found_on})" for p in found))
        more = f" and {len(pages) - 3} more" if len(pages) > 3 else ""
        lines.append(f"- {what} [{', '.join(roles)}]: {'; '.join(pages[:3])}{more}")
    return "\n".join(lines)


def test_the_walk_flags_duplicate_ids_labels_for_nothing_english_and_raw_codes() -> None:
    page = read_page(
        '<label for="reason">Reden</label><textarea id="reason"></textarea><textarea id="reason"></textarea>'
        '<label for="gone">Weg</label><p>Paid on 1 May</p><td>carried_over</td><td>draft</td>'
        "<code>begin_termijn</code><script>var issued = 1;</script>"
    )
    problems = inspect(page, untranslated_patterns())
    assert "duplicate id 'reason'" in problems and "label for missing id 'gone'" in problems
    assert "untranslated 'Paid on'" in problems
    assert {"English or raw code 'carried_over'", "English or raw code 'draft'"} <= set(problems)
    assert not any("begin_termijn" in p or "issued" in p for p in problems)  # code and scripts are not prose


def test_the_walk_flags_job_kinds_language_codes_location_codes_and_empty_translations() -> None:
    page = read_page(
        "<td>invoicing.quarter_drafts</td><td>planning.run</td><td>ar/prs/ti</td><td>ar, ti</td>"
        "<td>prs</td><td>amsterdam 2027-01-14</td><td>pending</td>"
        "<p>Arabisch, Dari (ar)</p><p>Amsterdam 14 jan 2027</p><p>admin@taalhuis-utrecht.nl</p>"
    )
    problems = set(inspect(page, []))
    assert {"raw code 'invoicing.quarter_drafts'", "raw code 'planning.run'", "raw code 'ar/prs/ti'",
            "raw code 'ar, ti'", "raw code 'prs'", "raw code 'amsterdam'",
            "English or raw code 'pending'"} <= problems
    assert not any("Arabisch" in p or "Amsterdam" in p or "utrecht" in p for p in problems)
    empty = "A text nobody translated"
    EMPTY_MSGIDS.add(empty)
    try:
        found = inspect(read_page(f"<p>{empty}</p>"), [])
        assert f"untranslated (no Dutch in the catalogue) {empty!r}" in found
    finally:
        EMPTY_MSGIDS.discard(empty)


def test_a_get_form_is_sent_as_it_is_and_once_per_option_of_each_select() -> None:
    page = read_page(
        '<form method="get" action="/x"><input name="q" value=""><select name="s">'
        '<option value="">Alle</option><option value="a" selected>A</option><option value="b">B</option>'
        "</select></form>"
        '<form method="post" action="/y"><input name="z"></form>'
    )
    (form,) = page.forms
    assert form.variants("/x?s=a") == ["/x?q=&s=a", "/x?q=&s=", "/x?q=&s=a", "/x?q=&s=b"]
    assert form.search_fields == ["q"]

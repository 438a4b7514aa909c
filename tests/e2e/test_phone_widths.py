"""In the browser at 390 px, a phone held upright: no page is wider than the screen.

Teachers take the register and show the presence code on a phone or tablet in the classroom, and
learners confirm on their own phone; finance and planners at least read their pages there. Each
page below must fit: `document.documentElement.scrollWidth <= 390` (wide tables scroll inside
their own box, never the page), and the menu folds away behind a button.

Besides the pages named, each role walks every page it can reach by links from its home page
(breadth-first, a few pages of each URL shape, downloads left out), as the crawl does in the test
client, and every one of them must fit too.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.jobs.queue import run_pending
from provider_portal.models import ExamLocation, Invoice
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.runs import start_run
from tests.e2e.helpers import assert_fits, scroll_width, shot
from tests.factories import (
    lesson_on,
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import AFTER_Q1, attend_all, drafted_q1

PHONE = {"width": 390, "height": 844}
STATUSES = ("Aanwezig", "Te laat", "Eerder vertrokken", "Afwezig met bericht", "Afwezig zonder bericht")
LESSON_DAY = date(2026, 3, 4)  # a Wednesday: 09:00-12:00 in the factory's schedule
DOWNLOADS = re.compile(r"\.(csv|pdf|xlsx|zip|xml|json|ics|png|svg)(\?|$)|[?&](format|fmt)=")
SAME_SHAPE = 2  # URLs differing only in numbers: this many of each are opened
# Elements of the page that reach past the screen's right edge without a box of their own that
# scrolls or clips them: cut off, or (were the page not to grow) scrolled to sideways.
STICKING_OUT = """(() => {
  const edge = document.documentElement.clientWidth + 1, found = [];
  const clipped = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  for (const el of document.querySelectorAll('main *, header *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > edge && !clipped(el) && getComputedStyle(el).position !== 'fixed') {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
      const text = (el.innerText || '').slice(0, 40).replace(/\\s+/g, ' ');
      found.push(`${name} ends at ${Math.round(r.right)} px: ${text}`);
    }
  }
  return found.slice(0, 5);
})()"""


def _fits(page, path: str) -> None:
    page.goto(path)
    assert page.locator("main").count() == 1, path
    assert_fits(page, path)


def _walk(page, start: str, limit: int = 60) -> list[str]:
    """Open every page reachable by links from `start` (same site, no downloads, `SAME_SHAPE` of each
    URL shape, at most `limit`); return those wider than the phone, with their width."""
    base = page.url
    queue, seen, shapes, wide, opened = deque([start]), {start}, Counter(), [], 0
    while queue and opened < limit:
        path = queue.popleft()
        response = page.goto(path)
        opened += 1
        if response is None or response.status != 200 or "text/html" not in response.headers.get(
                "content-type", ""):
            continue
        width = scroll_width(page)
        if width > PHONE["width"]:
            wide.append(f"{path} is {width} px wide")
        wide += [f"{path}: {what}" for what in page.evaluate(STICKING_OUT)]
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]:not([download])')]"
                              ".map(a => a.getAttribute('href'))")
        for href in hrefs:
            parts = urlsplit(urljoin(page.url, href))
            if parts.netloc != urlsplit(base).netloc or href.startswith(("#", "mailto:")):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = re.sub(r"\d+", "#", target)
            if target in seen or DOWNLOADS.search(target) or shapes[shape] >= SAME_SHAPE:
                continue
            seen.add(target)
            shapes[shape] += 1
            queue.append(target)
    assert opened >= 3, f"only {opened} pages reached from {start}"
    return wide


def _lesson_world(db: Session):
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER, name="Docent Joke")
    course = make_class(db, provider, teachers=(teacher,), name="A2 ochtend Utrecht Centrum")
    people = [
        make_learner(db, provider, first_name=first, last_name=last)
        for first, last in (("Amina", "Haddad"), ("Bilal", "Osman"), ("Oleksandra", "Shevchenko-Kovalenko"))
    ]
    for learner in people:
        make_enrolment(db, course, learner)
    lesson = lesson_on(db, course, LESSON_DAY)
    return provider, teacher, course, people, lesson


def test_the_teachers_pages_fit_a_phone_with_large_status_buttons(
    open_page, db, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, teacher, course, people, lesson = _lesson_world(db)
    page = open_page(teacher.email, **PHONE)

    _fits(page, "/lessons/today")
    _fits(page, f"/lessons/{lesson.id}")
    heading = page.locator("h1").bounding_box()
    assert heading["width"] > 300  # the heading has the whole width, it does not wrap word by word
    card = page.get_by_role("group", name="Shevchenko-Kovalenko, Oleksandra", exact=True)
    for status in STATUSES:
        button = card.get_by_text(status, exact=True)  # full words, not "A"
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 390, status
        assert card.get_by_role("radio", name=status, exact=True).count() == 1  # an accessible label
    _fits(page, f"/lessons/{lesson.id}/code")
    assert page.locator(".qr svg").bounding_box()["width"] <= 390

    # the menu folds behind a button, and opens on it
    nav_link = page.get_by_role("link", name="Mijn lessen")
    assert not nav_link.is_visible()
    page.locator("label.menu-button").click()
    assert nav_link.is_visible()


def test_the_learners_pages_fit_a_phone(open_page, db, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, _teacher, _course, people, lesson = _lesson_world(db)
    login = make_user(db, provider, role=Role.LEARNER, learner_id=people[2].id)
    page = open_page(login.email, **PHONE)

    _fits(page, "/me/")
    button = page.get_by_role("button", name="Aanwezigheid bevestigen")
    assert button.bounding_box()["height"] >= 44
    button.click()
    assert "/me/confirm" in page.url
    _fits(page, f"/me/confirm?lesson={lesson.id}")


def test_the_staff_lists_fit_a_phone(open_page, db, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, _teacher, course, _people, _lesson = _lesson_world(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    page = open_page(admin.email, **PHONE)
    for path in ("/dashboard", "/learners/", "/classes/", f"/classes/{course.id}", "/lessons/today"):
        _fits(page, path)


def test_the_invoicing_pages_fit_a_phone(open_page, db, frozen_now) -> None:
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider, learner, _ = drafted_q1(db)
    draft = db.execute(sa.select(Invoice)).scalars().first()
    finance = make_user(db, provider, role=Role.FINANCE)
    page = open_page(finance.email, **PHONE)
    for path in (
        "/invoicing/?quarter=2026-Q1",
        "/invoicing/invoices?quarter=2026-Q1",
        f"/invoicing/learners/{learner.id}",
        f"/invoicing/invoices/{draft.id}",
    ):
        _fits(page, path)
    page.locator("#issue-form button").click()  # the confirmation step fits too
    assert page.locator("#confirm-step").count() == 1
    assert_fits(page)


def test_the_planners_pages_fit_a_phone(open_page, db, frozen_now) -> None:
    frozen_now(datetime(2027, 2, 1, 9, 0))
    provider = make_provider(db)
    make_learner(db, provider, first_name="Amina", last_name="Haddad", municipality="Utrecht")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    page = open_page(planner.email, **PHONE)
    for path in ("/dashboard", "/planning/learners", "/planning/cohorts/", "/planning/runs/"):
        _fits(page, path)
    for path in ("/planning/exams/", "/jobs/"):
        _fits(page, path)


def _everything_world(db: Session, engine) -> dict:
    """One provider with a lesson under way, a learner with a login, contracts (one terminated),
    an onderwijsroute learner with a long name, Q1 drafts; a planner with a solved run."""
    provider, teacher, course, people, lesson = _lesson_world(db)
    for learner in people:
        make_contract(db, learner)
    long_name = make_learner(db, provider, first_name="Mohammed Abdirahman", route="onderwijs",
                             last_name="Al-Hassan-Abdullahi Warsame", place="Vleuten",
                             street_address="Burgemeester van Tuyllkade 1234")
    make_contract(db, long_name, number="C-2026-000123-ONDERWIJSROUTE")
    make_enrolment(db, course, long_name)
    attend_all(db, course, people[0], until=date(2026, 3, 31))
    make_drafts(db, provider, Quarter(2026, 1), AFTER_Q1)
    db.commit()  # the caller's unit of work
    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@utrecht.nl")
    db.commit()
    for offset, module in enumerate(("KNM", "PVT", "MAP")):
        save_cohort(db, CohortData("Utrecht", module, f"{module} Arabisch", "Wijkcentrum Overvecht", "ar",
                                   trainer.id, 1, 12, 20000, date(2026, 5, 11) + timedelta(days=offset), 3,
                                   time(10), time(12)))
        db.commit()
    db.add(ExamLocation(code="utrecht", name="DUO Utrecht", lat=52.09, lon=5.12,
                        facilities=["accessible", "extra_time"]))
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    start_run(db, planner, ("Utrecht",), 5, LESSON_DAY)
    db.commit()
    assert run_pending(engine) == 1
    return {
        "teacher": teacher, "planner": planner, "learner_page": long_name,
        "admin": make_user(db, provider, role=Role.PROVIDER_ADMIN),
        "finance": make_user(db, provider, role=Role.FINANCE),
        "learner": make_user(db, provider, role=Role.LEARNER, learner_id=people[2].id),
    }


def test_every_page_each_role_reaches_fits_a_phone(open_page, db, engine, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    world = _everything_world(db, engine)
    wide: list[str] = []
    for role in ("teacher", "learner", "finance", "planner", "admin"):
        page = open_page(world[role].email, **PHONE)
        wide += [f"[{role}] {w}" for w in _walk(page, "/", limit=45 if role != "learner" else 15)]
        if role == "admin":  # the pages reported too wide, named (the walk may reach them by another link)
            learner = world["learner_page"].id
            for path, name, tables in ((f"/learners/{learner}", "learner-page", ("#contracts",)),
                                       ("/transfer/import", "import", ()),
                                       (f"/invoicing/learners/{learner}", "billing-history",
                                        ("#billing-history", "#other-invoices"))):
                _fits(page, path)
                for table in tables:  # a card per row on a phone: nothing to scroll sideways, even inside
                    inner = page.locator(table).evaluate("t => [t.scrollWidth, t.clientWidth]")
                    assert inner[0] <= inner[1] + 1, f"{path} {table} scrolls sideways: {inner}"
                page.locator(tables[0] if tables else "main").scroll_into_view_if_needed()
                shot(page, f"{name}-390", full_page=False)
        page.context.close()
    assert wide == [], "\n".join(wide)

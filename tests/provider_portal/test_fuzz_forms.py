"""Every form and every import, fuzzed: never a 5xx, and a refused request writes nothing (issue 16).

The POST rules come from `app.url_map`, so a new form is fuzzed without touching this file: each
role walks the pages it is shown (links and GET forms, as the crawl does), every POST form found is
matched to its rule, and hypothesis posts hostile values into its fields (empty, huge, NUL bytes,
right-to-left and combining text, emoji, 2^31, 2^63, 1e309, NaN, -0, impossible dates and year 9999,
CR/LF, HTML and ReportLab markup, formula prefixes), leaves fields out, doubles them and adds unknown
ones. Forms only a user in some state is shown are reached by putting a user in that state (`State`:
half logged in at the two-factor code or set-up step, logged in with two-factor on, a platform admin
who looked up an account; the world holds a consent in force for the withdraw form), and an endpoint
only a page's script calls (`data-…-url`: the learner type-ahead) gets hostile bodies (JSON of any
shape, bytes that are not UTF-8, unknown charsets, the query as a file or in the address) and must
answer JSON or a 4xx without writing. A rule none of these reach fails the test unless `EXCLUDED`
says why (it is empty).

Each request must answer below 500. When it is refused (a 4xx, the form shown again with a field
error, or a redirect with an error message) the database must be exactly as before: row counts and
a hash of every table's rows. The imports (learners, contracts, enrolments; DUO's result and status
files) get hostile CSV and XLSX files as well; a file with a bad row must be refused whole.

CI runs a fixed seed (derandomize) with five fixed hostile values in every field and four drawn
examples per form; `FUZZ_EXAMPLES=40` draws forty per form (random seed unless FUZZ_SEED is set).
"""

from __future__ import annotations

import random
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.auth import two_factor
from provider_portal.classes.schedule import WeeklySlot
from provider_portal.classes.service import add_closure
from provider_portal.consent.service import ConsentData, record_consent
from provider_portal.demo import elfproef_bsn
from provider_portal.exams.calendar import plan_calendar
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.invoicing.lifecycle import issue_all
from provider_portal.jobs.queue import run_pending
from provider_portal.models import (
    ExamBooking,
    ExamLocation,
    ExamSession,
    Invoice,
    Job,
    Lesson,
    Placement,
    PolicySetting,
    User,
)
from provider_portal.models.enums import JobStatus, Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.runs import start_run
from tests import fuzzing
from tests.factories import (
    PASSWORD,
    PASSWORD_HASH,
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import make_draft, make_other_invoice
from tests.pages import read_page
from tests.web import TOKEN, login, submit

NOW = datetime(2026, 5, 11, 10, 0)  # a Monday: a lesson today, 2026-Q1 to invoice
ROLES = ("provider admin", "teacher", "finance", "learner", "planner", "platform admin", "anonymous")
PAGES_PER_ROLE = 150  # the small world needs fewer; a cap keeps the walk bounded
SAME_SHAPE = 2  # URLs differing only in numbers: this many of each shape are opened
DOWNLOAD = re.compile(r"\.(pdf|csv|xlsx|xml)$|/(pdf|csv|xlsx|ubl|letter|invitation)(/|\?|$)|[?&]format=")
# Rules no walk can fuzz, and why. Empty: every POST rule is reached, by a walk, by a state the world
# puts a user in (`State`: half logged in, two-factor on, an account looked up), or as the endpoint
# a page's script calls (`data-…-url`). A rule added later fails the test until it is reached or
# listed here with its reason.
EXCLUDED: dict[str, str] = {}
# Tables a refused request may still write, and why (a refusal that is itself recorded).
MAY_WRITE_WHEN_REFUSED: dict[str, set[str]] = {
    # a wrong presence code is counted per learner and lesson and logged for the teacher (norm 2.9.3)
    "me.confirm": {"presence_failure", "attendance_change"},
    # the set-up page keeps a pending (inactive) secret whenever it is shown, so a refused code after
    # a cancel (which drops the secret) shows the page with a new one; nothing of the code is stored
    "auth.two_factor_setup": {"user"},
}


@dataclass
class Actor:
    """A logged-in browser of one role (or none), re-logged in when a fuzzed form ends its session.

    `step` stops the log-in half way, as a two-factor user's browser is between the password and the
    code ("code") or the set-up a provider requires ("setup"); "totp" logs in with a code of `secret`."""

    role: str
    email: str | None
    app: Flask
    engine: Engine
    address: str
    step: str = ""
    secret: str = ""
    client: FlaskClient = field(init=False)
    csrf: str = ""
    logins: int = 0

    def log_in(self) -> None:
        """A fresh browser, logged in as this actor (or half, see `step`), with its CSRF token."""
        self.client = self.app.test_client()
        # each log-in from its own address: forms that log out (fuzzed many times in a long run) must
        # not bring the actor over the per-address log-in limit, which its own tests cover
        self.client.environ_base["REMOTE_ADDR"] = f"{self.address}.{self.logins % 250 + 1}"
        if self.email is not None:
            values: dict[str, Any] = {"password_hash": PASSWORD_HASH, "active": True}
            if self.step == "totp":
                values["totp_last_step"] = None  # the frozen clock's code logs in again
            with self.engine.begin() as conn:  # a fuzzed form may have changed the password or deactivated
                conn.execute(sa.update(User).where(User.email == self.email).values(**values))
            if self.step:
                answer = submit(self.client, "/login", {"email": self.email, "password": PASSWORD})
                pending = "/login/setup" if self.step == "setup" else "/login/code"
                assert answer.headers.get("Location") == pending, f"{self.role}: no {pending} after password"
                if self.step == "totp":
                    code = pyotp.TOTP(self.secret).at(clock.now().timestamp())
                    done = submit(self.client, pending, {"code": code})
                    assert done.status_code == 302, f"{self.role}: the code did not log in"
            else:
                login(self.client, self.email, PASSWORD)
            self.logins += 1
        assert self.ensure(), f"no CSRF token for {self.role}"

    @property
    def home(self) -> str:
        """A page this actor can always open that holds a form (so a CSRF token)."""
        if self.email is None:
            return "/login"
        return {"code": "/login/code", "setup": "/login/setup"}.get(self.step, "/account/password")

    def ensure(self) -> bool:
        """Whether the actor is still logged in (a fuzzed form may have ended the session); takes the
        CSRF token of the session."""
        response = self.client.get(self.home)
        match = TOKEN.search(response.get_data(as_text=True)) if response.status_code == 200 else None
        if match:
            self.csrf = match.group(1) or match.group(2)
        return match is not None


@dataclass
class Found:
    """A POST form met on a page, and who met it."""

    endpoint: str
    role: str
    page: str
    form: fuzzing.PostForm
    script: bool = False  # an endpoint a page's script posts to (`data-…-url`), not a form


@dataclass(frozen=True)
class State:
    """A page whose forms only a user in some state is shown: who opens it, and how (a GET, or the
    answer to posting `post` with the actor's CSRF token); `typed` are values the user types into
    fields that start empty, so the drawn values reach past them."""

    role: str
    url: str
    post: tuple[tuple[str, str], ...] = ()
    typed: tuple[tuple[str, str], ...] = ()


@dataclass
class World:
    actors: dict[str, Actor]
    invoice_number: str
    learner_bsn: str
    class_name: str
    starts: tuple[str, ...] = ()
    states: tuple[State, ...] = ()


def _cohort(db: Session, trainer_id: int, module: str) -> int:
    cohort = save_cohort(db, CohortData(municipality="Utrecht", module=module, name=f"{module} Utrecht",
                               venue="Wijkcentrum Utrecht", language="ar", trainer_id=trainer_id,
                               min_size=1, max_size=10, cost_cents=25000, first_day=date(2026, 6, 2),
                               meetings=4, start_time=clock_time(10), end_time=clock_time(12)))
    db.commit()  # the caller of the service commits
    return int(cohort.id or 0)


@pytest.fixture()
def world(app: Flask, db: Session, engine: Engine, frozen_now) -> World:
    """One provider with a learner (with a consent in force), contract, class, lesson today, closure,
    invoices (draft, issued, another provider's), a queued job; a planner with cohorts, a solved run
    and an exam location; a platform admin with a planner account to manage and a deactivated one;
    staff of a provider requiring two-factor log-in, half or fully logged in (`State`)."""
    frozen_now(NOW)
    app.testing, app.config["PROPAGATE_EXCEPTIONS"] = False, False  # a crash is a 500 to report
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    teacher = make_user(db, provider, role=Role.TEACHER)
    finance = make_user(db, provider, role=Role.FINANCE)
    learner = make_learner(db, provider, municipality="Utrecht", duo_term_start=date(2026, 1, 1))
    other = make_learner(db, provider, municipality="Utrecht", first_name="Dawit")
    contract = make_contract(db, learner)
    other_contract = make_contract(db, other)
    course = make_class(db, provider, teachers=(teacher,), start_date=date(2026, 1, 5),
                        end_date=date(2026, 6, 26), slots=(WeeklySlot(0, clock_time(9), clock_time(12)),
                                                           WeeklySlot(2, clock_time(9), clock_time(12))))
    make_enrolment(db, course, learner)
    make_enrolment(db, course, other)
    add_closure(db, provider.id, date(2026, 7, 20), date(2026, 7, 24), "Zomerweek")
    db.commit()  # the service leaves the commit to its caller
    learner_user = make_user(db, None, role=Role.LEARNER, provider_id=provider.id, learner_id=learner.id)
    draft = make_draft(db, learner, contract)
    issued = make_draft(db, other, other_contract)
    issue_all(db, [issued], date(2026, 4, 2))
    db.commit()
    make_other_invoice(db, learner)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    platform = make_user(db, None, role=Role.PLATFORM_ADMIN)
    make_user(db, None, role=Role.PLANNER, municipalities=("Amersfoort",))
    make_user(db, None, role=Role.PLANNER, municipalities=("Zeist",), active=False)
    place = ExamLocation(code="amsterdam", name="DUO Amsterdam", lat=52.39, lon=4.84,
                         facilities=["accessible", "extra_time"])
    db.add(place)
    # a demo value the platform admin may correct: its correction form
    db.add(PolicySetting(key="exemption_attempts", value=3, effective_from=date(2026, 7, 1), demo_value=True))
    db.commit()
    plan_calendar(db, place, date(2026, 6, 1), date(2026, 6, 30), {1, 3}, seats=10, examiners=1)
    db.commit()
    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@utrecht.nl")
    db.commit()
    cohorts = {module: _cohort(db, trainer.id, module) for module in ("KNM", "PVT", "MAP")}
    start_run(db, planner, ("Utrecht",), 5, clock.today())
    db.commit()
    run_pending(engine)
    assert db.execute(sa.select(Job.status)).scalar_one() == JobStatus.SUCCEEDED
    # a published placement and exam booking (their pin forms), a register taken today (sign form)
    sitting = db.execute(sa.select(ExamSession.id).order_by(ExamSession.id)).scalars().first()
    db.add_all([Placement(learner_id=learner.id, module="KNM", cohort_id=cohorts["KNM"]),
                ExamBooking(learner_id=learner.id, component="lezen", session_id=sitting)])
    db.execute(sa.update(Lesson).where(Lesson.class_id == course.id, Lesson.lesson_date < clock.today())
               .values(register_taken_at=clock.now()))
    db.commit()
    invoicing_jobs.enqueue_quarter_drafts(db, Quarter.of(clock.today()).prev(), provider_id=provider.id,
                                          created_by_id=finance.id)  # stays queued: its cancel form
    # a consent in force: its withdraw form (the learner's consent page is a starting point)
    record_consent(db, learner, ConsentData(date(2026, 2, 2), True, True, True), admin.id)
    db.commit()
    # Two-factor states, at a provider that requires two-factor log-in for its staff (so the walked
    # provider's staff log in with a password alone): one user with it on stops after the password
    # (the code step), one is logged in with a code (turning it off), one is the account a platform
    # admin looks up to reset, and one who has none yet stops at the set-up step of the log-in.
    # Their forms guess codes many times: the per-account limit, which has its own tests, is raised.
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "10000 per minute"
    strict = make_provider(db, require_two_factor=True)
    code_user, totp_user, reset_user, setup_user = (make_user(db, strict, role=role) for role in (
        Role.FINANCE, Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE))
    secrets = {user.id: _two_factor_on(app, db, user) for user in (code_user, totp_user, reset_user)}
    db.commit()  # services leave the commit to their caller (the queued draft run above)
    db.expire_all()
    number = db.get(Invoice, issued.id).number
    emails = {"provider admin": admin.email, "teacher": teacher.email, "finance": finance.email,
              "learner": learner_user.email, "planner": planner.email, "platform admin": platform.email,
              "anonymous": None}
    actors = {}
    for n, role in enumerate(ROLES, start=1):
        actor = Actor(role, emails[role], app, engine, f"10.9.{n}")
        actor.log_in()
        actors[role] = actor
    for n, (role, user, step) in enumerate((("pending code", code_user, "code"),
                                            ("pending set-up", setup_user, "setup"),
                                            ("two-factor", totp_user, "totp")), start=len(ROLES) + 1):
        actor = Actor(role, user.email, app, engine, f"10.9.{n}", step, secrets.get(user.id, ""))
        actor.log_in()
        actors[role] = actor
    states = (State("pending code", "/login/code"), State("pending set-up", "/login/setup"),
              State("two-factor", "/account/two-factor", typed=(("password", PASSWORD),)),
              State("platform admin", "/admin/accounts/two-factor", post=(("email", reset_user.email),)))
    lessons = db.execute(sa.select(Lesson.id).where(Lesson.class_id == course.id)
                         .order_by(Lesson.lesson_date.desc())).scalars().all()
    # The world's own records as starting points beside the home page: lists filter and page (the
    # walk is bounded), so their detail pages and forms are reached whatever a list shows first.
    starts = ("/classes/new", "/closures/", "/invoicing/", "/invoicing/invoices", "/invoicing/duo-import",
              "/provider/edit",
              "/users/new", f"/users/{teacher.id}/edit", f"/classes/{course.id}", f"/learners/{learner.id}",
              f"/learners/{other.id}", f"/learners/{learner.id}/consent",
              f"/invoicing/invoices/{draft.id}", f"/invoicing/invoices/{issued.id}",
              *(f"/lessons/{x}" for x in lessons[:3]))
    return World(actors, number or "", other.bsn, course.name, starts, states)


def _two_factor_on(app: Flask, db: Session, user: User) -> str:
    """Two-factor log-in switched on for `user` as the set-up page does it; its secret."""
    with app.test_request_context():
        setup = two_factor.begin_setup(db, user)
        two_factor.confirm_setup(db, user, pyotp.TOTP(setup.secret).at(clock.now().timestamp()))
        db.commit()  # the caller's commit, as the set-up page's unit of work
    return setup.secret


# --- finding the forms -----------------------------------------------------------------------------
def _local(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.netloc != "localhost" or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _endpoint(app: Flask, action: str) -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(action).path, method="POST")
    except HTTPException:
        return None
    return endpoint


SCRIPT_URL = re.compile(r'data-[a-z-]*url="([^"]+)"')


def collect_forms(app: Flask, role: str, url: str, html: str, found: dict[str, Found]) -> None:
    """The POST forms of a page, and the endpoints its scripts post to (`data-…-url`), by rule; the
    first one met per rule is kept."""
    for form in fuzzing.post_forms(html):
        action = _local(url, form.action) if form.action else url.split("?")[0]
        endpoint = action and _endpoint(app, action)
        if endpoint and endpoint not in found:
            form.action = action or url
            found[endpoint] = Found(endpoint, role, url, form)
    for target in SCRIPT_URL.findall(html):
        action = _local(url, target)
        endpoint = action and _endpoint(app, action)
        if action and endpoint and endpoint not in found:
            found[endpoint] = Found(endpoint, role, url, fuzzing.PostForm(action), script=True)


def walk(app: Flask, actor: Actor, starts: tuple[str, ...] = ()) -> tuple[int, dict[str, Found]]:
    """Open every page the actor is shown (breadth-first, bounded); the first POST form per rule."""
    found: dict[str, Found] = {}
    first = ["/login"] if actor.email is None else ["/", *starts]
    queue, seen, shapes, opened = deque(first), set(), {}, 0
    seen.update(queue)
    while queue and opened < PAGES_PER_ROLE:
        url = queue.popleft()
        opened += 1
        response = actor.client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _local(url, response.headers["Location"])
            if target and target not in seen and not target.startswith("/login"):
                seen.add(target)
                queue.appendleft(target)
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        collect_forms(app, actor.role, url, html, found)
        page = read_page(html)
        targets = [_local(url, href) for href in page.links]
        targets += [_local(url, variant) for form in page.forms for variant in form.variants(url)]
        for target in targets:
            if target is None or target in seen or target.startswith("/login") or DOWNLOAD.search(target):
                continue
            key = re.sub(r"\d+", "#", target)
            if shapes.get(key, 0) >= SAME_SHAPE:
                continue
            seen.add(target)
            shapes[key] = shapes.get(key, 0) + 1
            queue.append(target)
    return opened, found


def post_rules(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}


def find_forms(app: Flask, world: World) -> tuple[dict[str, Found], dict[str, int]]:
    """Every POST form the roles are shown, keyed by rule; and how many pages each role opened."""
    found: dict[str, Found] = {}
    walked: dict[str, int] = {}
    for role in ROLES:
        walked[role], forms = walk(app, world.actors[role], world.starts)
        for endpoint, item in forms.items():
            found.setdefault(endpoint, item)
    for state in world.states:
        forms = {}
        collect_forms(app, state.role, state.url, open_state(world.actors[state.role], state), forms)
        for endpoint, item in forms.items():
            for f in item.form.fields:
                f.value = dict(state.typed).get(f.name, f.value)
            found.setdefault(endpoint, item)
    return found, walked


def open_state(actor: Actor, state: State) -> str:
    """The page of a state: fetched, or the answer to a posted form (an account looked up)."""
    if not actor.ensure():
        actor.log_in()
    if state.post:
        data = {**dict(state.post), "csrf_token": actor.csrf}
        response = actor.client.post(state.url, data=data)
    else:
        response = actor.client.get(state.url)
    assert response.status_code == 200, f"{state.role}: {state.url} answered {response.status_code}"
    return response.get_data(as_text=True)


# --- posting and judging -----------------------------------------------------------------------------
def refused(actor: Actor, response: TestResponse) -> bool:
    """A 4xx, the form shown again with a field error, or a redirect carrying an error message."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        return 'aria-invalid="true"' in html or "flash-error" in html
    with actor.client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    return any(category == "error" for category, _message in flashes)


@dataclass
class Tally:
    requests: int = 0
    refusals: int = 0
    failures: list[str] = field(default_factory=list)


def post_and_judge(actor: Actor, prints: fuzzing.Fingerprints, endpoint: str, url: str,
                   data: dict[str, list[Any]], tally: Tally, multipart: bool) -> None:
    """Post `data`; a 5xx or a refused request that changed the database is a failure."""
    if "csrf_token" in data:
        data["csrf_token"] = [actor.csrf]  # kept valid: a refused token only tests Flask-WTF
    before = prints.before()
    kwargs: dict[str, Any] = {"content_type": "multipart/form-data"} if multipart else {}
    response = actor.client.post(url, data=fuzzing.as_request_data(data), **kwargs)
    tally.requests += 1
    status = response.status_code
    where = f"{endpoint} ({actor.role}, POST {url}) with {fuzzing.describe(data)}"
    assert status < 500, f"HTTP {status}: {where}"
    if status in (302, 303) and response.headers.get("Location", "").startswith("/login"):
        actor.log_in()  # the form ended the session (log out, password, deactivation): nothing to judge
        prints.forget()
        return
    shown = response.status_code == 200 and response.mimetype == "text/html"  # not a download
    if refused(actor, response) or shown:  # a write answers with a redirect (post/redirect/get)
        tally.refusals += refused(actor, response)
        allowed = MAY_WRITE_WHEN_REFUSED.get(endpoint, set())
        changed = [t for t in fuzzing.changed_tables(before, prints.after()) if t not in allowed]
        assert not changed, f"refused with HTTP {status} but changed {changed}: {where}"
    else:
        prints.forget()  # a write went through


def fuzz_form(world: World, engine: Engine, found: Found, tally: Tally,
              files: st.SearchStrategy | None = None) -> None:
    actor = world.actors[found.role]
    if not actor.ensure():  # an earlier form ended the session
        actor.log_in()
    prints = fuzzing.Fingerprints(engine)

    @fuzzing.FUZZ
    @given(data=fuzzing.submissions(found.form, files or _any_file()))
    def one(data: dict[str, list[Any]]) -> None:
        post_and_judge(actor, prints, found.endpoint, found.form.action, data, tally, found.form.has_file)

    for value in fuzzing.EVERYWHERE:
        one = example(data=fuzzing.everywhere(found.form, value))(one)
    try:
        one()
    except Exception as exc:  # noqa: BLE001 - every form is fuzzed, then all failures are reported
        tally.failures.append(_first_failure(exc))


def fuzz_script(world: World, engine: Engine, found: Found, tally: Tally) -> None:
    """Post hostile bodies to an endpoint a page's script calls: JSON (200) or a 4xx, never a 5xx,
    and never a write (it only reads)."""
    actor = world.actors[found.role]
    if not actor.ensure():
        actor.log_in()
    prints = fuzzing.Fingerprints(engine)

    @fuzzing.FUZZ
    @given(body=fuzzing.script_bodies())
    def one(body: dict[str, Any]) -> None:
        before = prints.before()
        response = actor.client.post(found.form.action, headers={"X-CSRFToken": actor.csrf},
                                     **fuzzing.as_script_request(body))
        tally.requests += 1
        status = response.status_code
        where = f"{found.endpoint} ({actor.role}) with {fuzzing.describe_body(body)}"
        assert status < 500, f"HTTP {status}: {where}"
        if status == 200:
            assert response.is_json and isinstance(response.get_json().get("results"), list), \
                f"HTTP 200 without a JSON list of results: {where}"
        else:
            assert 400 <= status < 500, f"HTTP {status}, neither JSON nor a refusal: {where}"
            tally.refusals += 1
        changed = fuzzing.changed_tables(before, prints.after())
        assert not changed, f"HTTP {status} but changed {changed}: {where}"

    for body in fuzzing.SCRIPT_EXAMPLES:
        one = example(body=body)(one)
    try:
        one()
    except Exception as exc:  # noqa: BLE001 - every form is fuzzed, then all failures are reported
        tally.failures.append(_first_failure(exc))


def _first_failure(exc: BaseException) -> str:
    """The assertion message behind hypothesis's wrapping (flaky or grouped failures)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return (str(exc).splitlines() or [repr(exc)])[0][:600]


def _any_file() -> st.SearchStrategy:
    return fuzzing.table_files(["bsn", "naam"], [["111222333", "Amina"]], {}).map(lambda f: (f[0], f[1]))


# --- imports -----------------------------------------------------------------------------------------
def import_files(world: World) -> dict[tuple[str, str], st.SearchStrategy]:
    """Per import (rule, kind): hostile files built around rows that would import cleanly."""
    rng = random.Random(16)
    fresh = [elfproef_bsn(rng) for _ in range(3)]
    learner_head = ["bsn", "voornaam", "achternaam", "geboortedatum", "migrant_type", "route", "gemeente",
                    "postcode", "talen", "begin_termijn", "eind_termijn", "lening"]
    learners = [[bsn, "Helen", "Berhane", "12-09-1994", "asiel", "B1", "Utrecht", "3512 JK", "ti,ar",
                 "2025-06-01", "", "10000"] for bsn in fresh]
    contract_head = ["bsn", "contractnummer", "begindatum", "einddatum", "ingekochte_uren", "uurtarief"]
    contracts = [[world.learner_bsn, f"F-{n}", "2026-01-01", "2026-12-31", "600", "14,50"] for n in (1, 2)]
    enrolment_head = ["bsn", "klas", "vanaf", "tot"]
    enrolments = [[world.learner_bsn, world.class_name, "2026-05-11", ""]]
    number, bsn = world.invoice_number, world.learner_bsn
    result_head = ["factuurnummer", "bsn", "resultaat", "foutcode", "foutomschrijving"]
    status_head = ["factuurnummer", "bsn", "status", "statusdatum", "betaald_bedrag", "reden"]
    bad_date = ["2026-02-30", "9999-99-99", "31-13-2026"]
    return {
        ("transfer.upload", "learners"): fuzzing.table_files(learner_head, learners, {
            "bsn": ["123456789", "12345678X"], "geboortedatum": bad_date, "route": ["X9"],
            "lening": ["veel", "-5"]}),
        ("transfer.upload", "contracts"): fuzzing.table_files(contract_head, contracts, {
            "bsn": ["123456789"], "begindatum": bad_date, "ingekochte_uren": ["veel", "-1"]}),
        ("transfer.upload", "enrolments"): fuzzing.table_files(enrolment_head, enrolments, {
            "bsn": ["123456789"], "klas": ["Een klas die niet bestaat"]}),
        ("transfer.upload", "results"): fuzzing.table_files(
            ["bsn", "onderdeel", "examendatum", "niveau", "uitslag", "poging"],
            [[world.learner_bsn, "lezen", "2026-03-10", "B1", "gezakt", "1"]],
            {"bsn": ["123456789"], "onderdeel": ["zingen"], "examendatum": bad_date, "niveau": ["C9"],
             "uitslag": ["misschien"], "poging": ["veel", "-1"]}),
        ("invoicing.duo_import", "result"): fuzzing.table_files(result_head, [[number, bsn, "OK", "", ""]], {
            "factuurnummer": ["2099-99999"], "resultaat": ["MISSCHIEN"], "bsn": ["123456789"]}),
        ("invoicing.duo_import", "status"): fuzzing.table_files(
            status_head, [[number, bsn, "INGEDIEND", "2026-05-01", "", ""]],
            {"factuurnummer": ["2099-99999"], "status": ["VERZONNEN"], "statusdatum": bad_date}),
    }


def _kind_field(form: fuzzing.PostForm) -> fuzzing.Field:
    (kind,) = [f for f in form.fields if f.kind == "select" and f.name == "kind"]
    return kind


def fuzz_import(world: World, engine: Engine, found: Found, kind: str, files: st.SearchStrategy,
                tally: Tally) -> None:
    """Post hostile files; one with a bad row or a missing column must be refused and store nothing."""
    actor = world.actors[found.role]
    if not actor.ensure():
        actor.log_in()
    (file_field,) = [f.name for f in found.form.fields if f.kind == "file"]
    prints = fuzzing.Fingerprints(engine)

    @fuzzing.FUZZ
    @given(upload=files)
    def one(upload: tuple[bytes, str, bool]) -> None:
        content, name, surely_bad = upload
        data = {"csrf_token": [actor.csrf], "kind": [kind], file_field: [(content, name)]}
        before = prints.before()
        response = actor.client.post(found.form.action, data=fuzzing.as_request_data(data),
                                     content_type="multipart/form-data")
        tally.requests += 1
        where = f"{found.endpoint} ({kind}) with {fuzzing.describe(data)}"
        assert response.status_code < 500, f"HTTP {response.status_code}: {where}"
        if refused(actor, response):
            tally.refusals += 1
            changed = fuzzing.changed_tables(before, prints.after())
            assert not changed, f"refused with HTTP {response.status_code} but changed {changed}: {where}"
        else:
            prints.forget()
            assert not surely_bad, f"a file with a bad row or column was accepted: {where}"

    try:
        one()
    except Exception as exc:  # noqa: BLE001 - every form is fuzzed, then all failures are reported
        tally.failures.append(_first_failure(exc))


def test_every_form_and_import_is_fuzzed_without_a_5xx_or_a_partial_write(
        app: Flask, world: World, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Every POST rule's form, then every import with hostile files (one walk, one world)."""
    started = time.monotonic()
    found, walked = find_forms(app, world)
    rules = post_rules(app)
    missing = sorted(rules - set(found) - set(EXCLUDED))
    assert not missing, f"POST rules whose form no role was shown (fuzz or exclude them, say why): {missing}"
    assert not set(EXCLUDED) - rules, "an exclusion names a rule that no longer exists"
    forms = Tally()
    for endpoint in sorted(set(found) - set(EXCLUDED)):
        if found[endpoint].script:
            fuzz_script(world, engine, found[endpoint], forms)
        else:
            fuzz_form(world, engine, found[endpoint], forms)
    # The imports: a file and a kind to choose (an evidence upload, say, is fuzzed as a form above).
    uploads = {endpoint: item for endpoint, item in found.items() if item.form.has_file
               and any(f.kind == "select" and f.name == "kind" for f in item.form.fields)}
    strategies = import_files(world)
    kinds = {(endpoint, kind) for endpoint, item in uploads.items()
             for kind in _kind_field(item.form).options}
    assert kinds == set(strategies), "an import without hostile files (or files for an import that is gone)"
    imports = Tally()
    for endpoint, kind in sorted(kinds):
        fuzz_import(world, engine, uploads[endpoint], kind, strategies[endpoint, kind], imports)
    with capsys.disabled():
        print(f"\nfuzz: {len(found)} of {len(rules)} POST rules, {forms.requests} requests "
              f"({forms.refusals} refused); {len(kinds)} imports, {imports.requests} files "
              f"({imports.refusals} refused); pages walked {walked} ({time.monotonic() - started:.0f} s)")
    failures = forms.failures + imports.failures
    assert not failures, f"{len(failures)} forms or imports failed:\n" + "\n".join(failures)


def test_the_fuzz_reports_a_500_and_a_refusal_that_wrote(app: Flask, engine: Engine) -> None:
    """The fuzz can fail: a form that crashes on the last day of year 9999, and one that stores a row,
    then refuses."""
    from flask import request
    from flask_wtf.csrf import generate_csrf

    from provider_portal.access import public
    from provider_portal.db import get_session
    from provider_portal.models import Trainer

    @app.route("/fuzz-probe/<kind>", methods=["GET", "POST"])
    @public
    def probe(kind: str) -> Any:
        if request.method == "GET":
            return (f'<form method="post"><input type="hidden" name="csrf_token" value="{generate_csrf()}">'
                    '<input name="name" value="Fatima"><input name="hours" value="3"></form>')
        name = request.form.get("name", "")
        if kind == "crash":
            if re.fullmatch(r"\d{4}-\d\d-\d\d", name):  # 9999-12-31 plus a day: OverflowError
                date.fromisoformat(name) + timedelta(days=1)
            return "bewaard", 302
        session = get_session()
        session.add(Trainer(municipality="Utrecht", name=name[:200]))
        session.commit()  # stored before the check: a partial write
        return ("uren ontbreekt", 422) if not request.form.get("hours", "").isdigit() else ("ok", 302)

    app.testing, app.config["PROPAGATE_EXCEPTIONS"] = False, False
    actor = Actor("anonymous", None, app, engine, "10.9.99")
    actor.log_in()
    tally = Tally()
    for kind in ("crash", "writes"):
        page = f"/fuzz-probe/{kind}"
        (form,) = fuzzing.post_forms(actor.client.get(page).get_data(as_text=True))
        form.action = page
        found = Found(f"probe.{kind}", "anonymous", page, form)
        fuzz_form(World({"anonymous": actor}, "", "", ""), engine, found, tally)
    assert len(tally.failures) == 2, tally.failures
    assert tally.failures[0].startswith("HTTP 500: probe.crash"), tally.failures
    assert "9999-12-31" in tally.failures[0], tally.failures
    assert "changed ['trainer']" in tally.failures[1], tally.failures[1]

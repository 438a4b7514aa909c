"""Every page declares who may open it, and every other role is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from provider_portal.access import LEARNER_EDITORS, may_change, may_see
from provider_portal.classes.service import add_closure
from provider_portal.models import Learner, Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.provider_portal.tenancy_check import full_filter_check  # noqa: F401
from tests.web import csrf_token, login, text

# Every statement these pages run is also checked: the narrowed tenant filter is the whole one.
pytestmark = pytest.mark.usefixtures("full_filter_check")


def _endpoints(app: Flask) -> list[tuple[str, object]]:
    return [
        (rule.endpoint, app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    ]


def test_every_endpoint_is_public_or_declares_its_roles(app: Flask) -> None:
    undeclared = [
        name
        for name, view in _endpoints(app)
        if not getattr(view, "public", False) and getattr(view, "allowed_roles", None) is None
    ]
    assert undeclared == []


def test_only_login_logout_language_and_home_are_public(app: Flask) -> None:
    """The two-factor steps are public too: they act only on the signed, five-minute pending state
    the password step leaves (`auth.two_factor`), and log nobody in without a code."""
    public = sorted(name for name, view in _endpoints(app) if getattr(view, "public", False))
    assert public == ["auth.language", "auth.login", "auth.login_code", "auth.login_setup", "auth.logout",
                      "dashboard.home"]


def test_a_learner_reaches_only_their_own_pages(client, db, world) -> None:
    learner_user = make_user(
        db, None, role=Role.LEARNER, provider_id=world["provider_id"], learner_id=world["learner_id"]
    )
    login(client, learner_user.email)
    assert client.get("/dashboard").headers["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    for url in ("/learners/", f"/lessons/{world['lesson_id']}", "/classes/", "/jobs/"):
        assert client.get(url).status_code == 403, url


@pytest.fixture()
def world(db: Session) -> dict[str, int]:
    provider = make_provider(db)
    learner = make_learner(db, provider)
    contract = make_contract(db, learner)
    staff = make_user(db, provider)
    course = make_class(db, provider, teachers=(staff,))
    enrolment = make_enrolment(db, course, learner)
    closure = add_closure(db, provider.id, date(2026, 2, 16), date(2026, 2, 20), "Voorjaarsvakantie")
    db.commit()  # the service leaves the commit to its caller
    lesson_id = db.execute(sa.select(Lesson.id).where(Lesson.class_id == course.id)).scalars().first()
    return {
        "learner_id": learner.id,
        "contract_id": contract.id,
        "user_id": staff.id,
        "job_id": 1,
        "provider_id": provider.id,
        "class_id": course.id,
        "lesson_id": lesson_id,
        "enrolment_id": enrolment.id,
        "closure_id": closure.id,
        "cohort_id": 1,
        "run_id": 1,
        "invoice_id": 1,
        "other_invoice_id": 1,
        "external_hours_id": 1,
        "trainer_id": 1,
        "setting_id": 1,
        "fmt": "csv",
        "location_id": 1,
        "day": "2027-01-12",
    }


def _url(app: Flask, rule: object, ids: dict[str, int]) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_every_page_not_meant_for_it(
    app: Flask, db: Session, world: dict[str, int], role: Role
) -> None:
    provider_id = world["provider_id"] if role not in (Role.PLANNER, Role.PLATFORM_ADMIN) else None
    learner_id = world["learner_id"] if role == Role.LEARNER else None
    user = make_user(
        db,
        None,
        role=role,
        provider_id=provider_id,
        learner_id=learner_id,
        municipalities=("Utrecht",) if role == Role.PLANNER else (),
    )
    client = app.test_client()
    login(client, user.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        if roles is None or role in roles:
            continue
        method = "GET" if "GET" in rule.methods else "POST"  # type: ignore[operator]
        response = client.open(_url(app, rule, world), method=method)
        assert response.status_code == 403, f"{role} reached {rule.endpoint} ({response.status_code})"
        checked += 1
    assert role == Role.PLATFORM_ADMIN or checked > 0


def test_a_teacher_cannot_open_finance_pages(client, db: Session, world: dict[str, int]) -> None:
    teacher = make_user(db, None, role=Role.TEACHER, provider_id=world["provider_id"])
    login(client, teacher.email)
    assert client.get(f"/learners/{world['learner_id']}/contracts/new").status_code == 403
    assert client.get(f"/contracts/{world['contract_id']}/terminate").status_code == 403
    assert client.get("/users/").status_code == 403
    forbidden = client.get("/provider/edit")
    assert forbidden.status_code == 403 and "geen toegang" in text(forbidden)


def test_an_anonymous_visitor_is_sent_to_the_login_page_with_a_local_next(client, world) -> None:
    response = client.get(f"/learners/{world['learner_id']}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/learners/")


@pytest.fixture()
def classroom(db: Session) -> dict:
    """A teacher with one class and one learner in it, and a learner of a colleague's class."""
    provider = make_provider(db)
    teacher, colleague = (make_user(db, provider, role=Role.TEACHER) for _ in range(2))
    mine = make_learner(db, provider, bsn="111222333", loan_amount=Decimal("8765.43"))
    theirs = make_learner(db, provider, bsn="123456782", loan_amount=Decimal("8765.43"))
    make_enrolment(db, make_class(db, provider, teachers=(teacher,)), mine)
    make_enrolment(db, make_class(db, provider, teachers=(colleague,)), theirs)
    make_contract(db, mine)
    return {"teacher": teacher, "mine": mine, "theirs": theirs}


def _learner_rules(app: Flask, role: Role) -> list:
    """Every rule with a learner in its URL that the role may open."""
    return [rule for rule in app.url_map.iter_rules() if "learner_id" in rule.arguments
            and role in getattr(app.view_functions[rule.endpoint], "allowed_roles", ())]


def _learner_row(db: Session, learner_id: int) -> tuple:
    db.expire_all()
    learner = db.get(Learner, learner_id)
    return (learner.bsn, learner.loan_amount_cents, learner.first_name, learner.last_name, learner.postcode,
            learner.route, learner.updated_at)


def test_a_teacher_gets_404_on_every_page_of_a_learner_outside_their_classes(app, db, classroom) -> None:
    client = app.test_client()
    login(client, classroom["teacher"].email)
    rules = _learner_rules(app, Role.TEACHER)
    assert {rule.endpoint for rule in rules} >= {"learners.detail", "transfer.learner_attendance"}
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_url(app, rule, {"learner_id": classroom["theirs"].id}), method=method)
        assert response.status_code == 404, rule.endpoint
    listing = text(client.get("/learners/"))
    assert classroom["mine"].last_name in listing and classroom["theirs"].last_name not in listing


def test_a_teacher_sees_their_learner_with_a_masked_bsn_and_no_money(app, db, classroom) -> None:
    client = app.test_client()
    login(client, classroom["teacher"].email)
    for rule in _learner_rules(app, Role.TEACHER):
        if "GET" not in rule.methods:
            continue
        response = client.get(_url(app, rule, {"learner_id": classroom["mine"].id}))
        page = text(response) if response.mimetype == "text/html" else ""
        assert response.status_code == 200, rule.endpoint
        assert "111222333" not in page and "8.765" not in page and "DUO-lening" not in page, rule.endpoint
    detail = text(client.get(f"/learners/{classroom['mine'].id}"))
    assert "******333" in detail and "Contracten" not in detail and "Bewerken" not in detail
    assert client.get("/contracts/").status_code == 403 and 'href="/contracts/"' not in detail


def test_a_teacher_changes_nothing_on_any_learner(app, db, classroom) -> None:
    client = app.test_client()
    login(client, classroom["teacher"].email)
    before = {key: _learner_row(db, classroom[key].id) for key in ("mine", "theirs")}
    form = {"bsn": "100000009", "first_name": "X", "last_name": "Y", "date_of_birth": "1990-01-01",
            "migrant_type": "asiel", "route": "Z", "municipality": "Utrecht", "postcode": "3511AB",
            "languages": ["ar"], "duo_term_start": "2025-01-01", "loan_amount": "1", "email": "x@y.nl",
            "password": "long enough password", "csrf_token": csrf_token(client, "/lessons/today")}
    rules = [rule for rule in app.url_map.iter_rules()
             if "learner_id" in rule.arguments and "POST" in rule.methods]
    assert {rule.endpoint for rule in rules} >= {"learners.edit", "learners.login", "contracts.create"}
    for key in ("mine", "theirs"):
        for rule in rules:
            response = client.post(_url(app, rule, {"learner_id": classroom[key].id}), data=form)
            # a teacher may declare their own learner exam-ready (issue 12); this form is no valid one
            allowed = (422,) if (key, rule.endpoint) == ("mine", "exam_path.readiness") else ()
            assert response.status_code in (403, 404, *allowed), (key, rule.endpoint, response.status_code)
    assert client.post("/learners/new", data=form).status_code == 403
    assert {key: _learner_row(db, classroom[key].id) for key in ("mine", "theirs")} == before
    assert db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one() == 2


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.FINANCE])
def test_the_admin_and_finance_see_the_full_bsn_and_the_loan(app, db, classroom, role) -> None:
    user = make_user(db, None, role=role, provider_id=classroom["mine"].provider_id)
    client = app.test_client()
    login(client, user.email)
    for key in ("mine", "theirs"):
        page = text(client.get(f"/learners/{classroom[key].id}"))
        assert classroom[key].bsn in page and "8.765,43" in page and "Contracten" in page


def test_the_field_policy_lets_only_the_admin_edit_a_learner() -> None:
    assert LEARNER_EDITORS == (Role.PROVIDER_ADMIN,)
    assert not may_see("bsn", Role.TEACHER) and not may_see("loan_amount", Role.TEACHER)
    assert may_see("personal", Role.TEACHER) and not may_change("personal", Role.TEACHER)

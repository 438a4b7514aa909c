"""Every page declares who may open it, and every other role is refused."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from provider_portal.classes.service import add_closure
from provider_portal.models import Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, text


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
    public = sorted(name for name, view in _endpoints(app) if getattr(view, "public", False))
    assert public == ["auth.language", "auth.login", "auth.logout", "dashboard.home"]


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

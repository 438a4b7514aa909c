"""Provider A sees nothing of provider B, and planners see only their municipalities' learners."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from sqlmodel import Session

from provider_portal.classes.service import add_closure
from provider_portal.jobs.queue import enqueue
from provider_portal.models import Attendance, CourseClass, ExternalHours, Learner, Lesson, PlanRun
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.tenancy import TenantScope, TenantViolation, bind_scope
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import make_draft, make_other_invoice
from tests.provider_portal.tenancy_check import full_filter_check  # noqa: F401
from tests.web import csrf_token, login, text

# Every statement these pages run is also checked: the narrowed tenant filter is the whole one.
pytestmark = pytest.mark.usefixtures("full_filter_check")

# URL arguments that identify a record of some tenant; a new route with another argument name
# must be added here, or the walk below fails.
SCOPED_ARGUMENTS = {
    "learner_id",
    "contract_id",
    "user_id",
    "job_id",
    "class_id",
    "lesson_id",
    "enrolment_id",
    "closure_id",
    "cohort_id",
    "run_id",
    "invoice_id",
    "other_invoice_id",
    "external_hours_id",
    "trainer_id",
}
# Not a tenant's record: an export format, DUO's shared exam calendar (a location, a day) and the
# platform's dated policy settings (one set for every provider).
FORMAT_ARGUMENTS = {"fmt": "csv", "location_id": 1, "day": "2027-01-12", "setting_id": 1}


@pytest.fixture()
def two_providers(db: Session) -> dict[str, object]:
    a, b = make_provider(db, name="Provider A"), make_provider(db, name="Provider B")
    learner_b = make_learner(db, b, first_name="Bertha", municipality="Rotterdam", postcode="3011AA")
    contract_b = make_contract(db, learner_b)
    user_b = make_user(db, b)
    job_b = enqueue(db, "housekeeping", provider_id=b.id, created_by_id=user_b.id)
    db.commit()
    course_b = make_class(db, b, teachers=(user_b,))
    enrolment_b = make_enrolment(db, course_b, learner_b)
    closure_b = add_closure(db, b.id, date(2026, 2, 16), date(2026, 2, 20), "Voorjaarsvakantie")
    db.commit()  # the service leaves the commit to its caller
    lesson_b = db.execute(sa.select(Lesson.id).where(Lesson.class_id == course_b.id)).scalars().first()
    make_learner(db, a, first_name="Aisha")
    rotterdam_planner = make_user(db, None, role=Role.PLANNER, municipalities=("Rotterdam",))
    trainer_b = add_trainer(db, "Rotterdam", "Trainer Rotterdam", "")
    db.commit()
    cohort_b = save_cohort(
        db,
        CohortData(
            "Rotterdam",
            "KNM",
            "KNM Rotterdam",
            "Zuidplein",
            "ar",
            trainer_b.id,
            1,
            10,
            0,
            date(2027, 1, 5),
            2,
            time(10),
            time(12),
        ),
    )
    run_b = PlanRun(planner_id=rotterdam_planner.id, municipalities=["Rotterdam"])
    db.add(run_b)
    db.commit()
    invoice_b = make_draft(db, learner_b, contract_b)
    other_invoice_b = make_other_invoice(db, learner_b)
    hours_b = ExternalHours(learner_id=learner_b.id, provider_name="Elders", period_from=date(2025, 1, 1),
                            period_to=date(2025, 6, 30), minutes=6000, evidence_name="uren.pdf",
                            evidence_type="application/pdf", evidence=b"%PDF-1.4")
    db.add(hours_b)
    db.commit()
    ids_b = {
        "learner_id": learner_b.id,
        "contract_id": contract_b.id,
        "user_id": user_b.id,
        "job_id": job_b.id,
        "class_id": course_b.id,
        "lesson_id": lesson_b,
        "enrolment_id": enrolment_b.id,
        "closure_id": closure_b.id,
        "cohort_id": cohort_b.id,
        "run_id": run_b.id,
        "invoice_id": invoice_b.id,
        "other_invoice_id": other_invoice_b.id,
        "external_hours_id": hours_b.id,
        "trainer_id": trainer_b.id,
        **FORMAT_ARGUMENTS,
    }
    return {"a": a, "b": b, "ids_b": ids_b}


def _walk(app: Flask, user, ids: dict[str, object]) -> int:  # type: ignore[no-untyped-def]
    """Open every URL the user's role may open, with another tenant's ids: each must be a 404."""
    client = app.test_client()
    login(client, user.email)
    token = csrf_token(client, "/account/password")
    walked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        known = SCOPED_ARGUMENTS | set(FORMAT_ARGUMENTS)
        assert rule.arguments <= known, f"{rule.endpoint} has unmapped arguments {rule.arguments}"
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", frozenset())
        if user.role not in roles or not rule.arguments & SCOPED_ARGUMENTS:
            continue  # refused by role before tenancy matters (test_access covers it)
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):  # type: ignore[operator]
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
            walked += 1
    return walked


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE])
def test_a_user_of_provider_a_gets_404_for_every_url_of_provider_b(
    app: Flask, db: Session, two_providers, role: Role
) -> None:
    assert _walk(app, make_user(db, two_providers["a"], role=role), two_providers["ids_b"]) >= 5


def test_a_planner_gets_404_for_every_url_of_another_municipality(
    app: Flask, db: Session, two_providers
) -> None:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    assert _walk(app, planner, two_providers["ids_b"]) >= 5


def test_a_learner_of_provider_a_cannot_open_or_confirm_a_lesson_of_provider_b(
    app, db, two_providers
) -> None:
    learner_a = make_learner(db, two_providers["a"])
    user = make_user(db, two_providers["a"], role=Role.LEARNER, learner_id=learner_a.id)
    client = app.test_client()
    login(client, user.email)
    lesson_b = two_providers["ids_b"]["lesson_id"]
    assert client.get(f"/me/confirm?lesson={lesson_b}").status_code == 404
    token = csrf_token(client, "/account/password")
    response = client.post("/me/confirm", data={"lesson": lesson_b, "code": "123456", "csrf_token": token})
    assert response.status_code == 404


def test_provider_b_data_is_unchanged_after_provider_a_posts_to_its_urls(app, db, two_providers) -> None:
    user = make_user(db, two_providers["a"], role=Role.PROVIDER_ADMIN)
    client = app.test_client()
    login(client, user.email)
    ids = two_providers["ids_b"]
    token = csrf_token(client, "/account/password")
    assert (
        client.post(f"/contracts/{ids['contract_id']}/complete", data={"csrf_token": token}).status_code
        == 404
    )
    edit = client.post(
        f"/learners/{ids['learner_id']}/edit", data={"first_name": "Hacked", "csrf_token": token}
    )
    assert edit.status_code == 404
    db.expire_all()
    assert (
        db.execute(sa.select(Learner.first_name).where(Learner.id == ids["learner_id"])).scalar_one()
        == "Bertha"
    )


def test_lists_show_only_the_own_provider(app, db, two_providers) -> None:
    user = make_user(db, two_providers["a"])
    client = app.test_client()
    login(client, user.email)
    page = text(client.get("/learners/"))
    assert "Aisha" in page and "Bertha" not in page
    assert "Provider B" not in text(client.get("/provider/"))


def test_a_planner_sees_only_learners_of_their_municipalities_across_providers(
    app, db, two_providers
) -> None:
    make_learner(db, two_providers["a"], first_name="Utrechter", municipality="Utrecht")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Rotterdam",))
    client = app.test_client()
    login(client, planner.email)
    page = text(client.get("/planning/learners"))
    assert "Bertha" in page and "Utrechter" not in page and "Aisha" not in page
    learner_b = two_providers["ids_b"]["learner_id"]
    detail = text(client.get(f"/planning/learners/{learner_b}"))
    bsn = db.execute(sa.select(Learner.bsn).where(Learner.id == learner_b)).scalar_one()
    assert "Bertha" in detail and bsn not in detail and bsn[-3:] not in detail
    assert "1990" not in detail  # no date of birth for planners
    utrechter = db.execute(sa.select(Learner.id).where(Learner.first_name == "Utrechter")).scalar_one()
    assert client.get(f"/planning/learners/{utrechter}").status_code == 404


def test_writing_another_providers_row_is_refused_at_flush(db, two_providers) -> None:
    a, b = two_providers["a"], two_providers["b"]
    bind_scope(db, TenantScope(user_id=1, provider_id=a.id))
    db.add(
        Learner(
            provider_id=b.id,
            bsn="111222333",
            first_name="X",
            last_name="Y",  # type: ignore[call-arg]
            date_of_birth=date(1990, 1, 1),
            migrant_type="asiel",
            route="B1",
            municipality="Utrecht",
            postcode="3511AB",
            duo_term_start=date(2025, 1, 1),
            duo_term_end=date(2028, 1, 1),
        )
    )
    with pytest.raises(TenantViolation):
        db.flush()
    db.rollback()


def test_a_new_row_gets_the_users_provider_when_none_is_given(db, two_providers) -> None:
    a = two_providers["a"]
    bind_scope(db, TenantScope(user_id=1, provider_id=a.id))
    job = enqueue(db, "housekeeping")
    db.commit()
    assert job.provider_id == a.id


def test_every_table_is_provider_owned_a_child_or_deliberately_global() -> None:
    from sqlmodel import SQLModel

    from provider_portal.tenancy import (
        CHILDREN,
        GLOBAL,
        MUNICIPAL,
        PLANNER_OWNED,
        PLATFORM_ONLY,
        SHARED_SETTINGS,
        provider_owned,
    )

    covered = {m.__tablename__ for m in provider_owned()} | {c.__tablename__ for c, _, _ in CHILDREN}
    global_tables = (*MUNICIPAL, *PLANNER_OWNED, *PLATFORM_ONLY, *SHARED_SETTINGS, *GLOBAL)
    covered |= {m.__tablename__ for m in global_tables}
    covered |= {"provider"}
    assert set(SQLModel.metadata.tables) - covered == set()


def test_a_learner_sees_their_own_lessons_and_no_one_elses_attendance(app, db, two_providers) -> None:
    b = two_providers["b"]
    other = make_learner(db, b, first_name="Other")
    learner_id = two_providers["ids_b"]["learner_id"]
    course = db.get(CourseClass, two_providers["ids_b"]["class_id"])
    make_enrolment(db, course, other)
    me = make_user(db, b, role=Role.LEARNER, learner_id=learner_id)
    bind_scope(db, TenantScope(user_id=me.id, provider_id=b.id, learner_id=learner_id))
    assert [x.id for x in db.execute(sa.select(Learner)).scalars()] == [learner_id]
    assert db.execute(sa.select(Lesson)).scalars().first() is not None
    db.add(Attendance(learner_id=other.id, lesson_id=two_providers["ids_b"]["lesson_id"], status="present"))
    with pytest.raises(TenantViolation):
        db.flush()
    db.rollback()

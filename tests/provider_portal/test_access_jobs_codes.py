"""Jobs belong to providers and planners; a presence code and a draft run only to those who need them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing.jobs import enqueue_quarter_drafts
from provider_portal.jobs.queue import enqueue
from provider_portal.models import Job, Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_provider, make_user
from tests.web import csrf_token, login, text


def test_a_platform_admin_cannot_cancel_a_providers_job(client, db: Session) -> None:
    provider = make_provider(db)
    job = enqueue(db, "housekeeping", provider_id=provider.id, params={"retention_days": 30})
    db.commit()
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    token = csrf_token(client, "/dashboard")
    assert client.post(f"/jobs/{job.id}/cancel", data={"csrf_token": token}).status_code == 403
    db.refresh(job)
    assert job.status == "queued" and not job.cancel_requested


def test_a_platform_admin_sees_no_cancel_button(client, db: Session) -> None:
    job = enqueue(db, "housekeeping", params={"retention_days": 30})
    db.commit()
    login(client, make_user(db, None, role=Role.PLATFORM_ADMIN).email)
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and f"/jobs/{job.id}/cancel" not in text(page)


def test_a_teacher_sees_neither_a_draft_run_nor_its_result(client, db: Session) -> None:
    provider = make_provider(db)
    finance = make_user(db, provider, role=Role.FINANCE)
    job = enqueue_quarter_drafts(db, Quarter(2026, 1), provider_id=provider.id, created_by_id=finance.id)
    db.commit()
    db.execute(sa.update(Job).where(Job.id == job.id).values(status="succeeded", result={"drafts": 3}))
    db.commit()
    login(client, make_user(db, provider, role=Role.TEACHER).email)
    assert f"/jobs/{job.id}" not in text(client.get("/jobs/"))
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}.json").status_code == 404


def test_a_teacher_gets_the_presence_code_only_of_a_class_they_teach(app, client, db: Session) -> None:
    provider = make_provider(db)
    teacher, colleague = (make_user(db, provider, role=Role.TEACHER) for _ in range(2))
    mine = make_class(db, provider, teachers=(teacher,))
    theirs = make_class(db, provider, teachers=(colleague,))
    first = {course.id: db.execute(sa.select(Lesson.id).where(Lesson.class_id == course.id).order_by(
        Lesson.lesson_date)).scalars().first() for course in (mine, theirs)}
    login(client, teacher.email)
    assert client.get(f"/lessons/{first[mine.id]}/code").status_code == 200
    assert client.get(f"/lessons/{first[theirs.id]}/code").status_code == 404
    admin = app.test_client()
    login(admin, make_user(db, provider, role=Role.PROVIDER_ADMIN).email)
    assert admin.get(f"/lessons/{first[theirs.id]}/code").status_code == 200

"""Issue 12, part 4: who meets or nearly meets the exemption for demonstrable effort, hours at
another provider with their evidence, and the dossier PDF."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import (
    ExamPathChange,
    ExamResult,
    ExternalHours,
    LearnerExam,
    Lesson,
    PolicySetting,
)
from provider_portal.models.enums import Role
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import attend_all
from tests.pdfs import MARKUP_FIRST, MARKUP_LAST, pdf_text, uri_links
from tests.web import login, submit, text

TODAY = datetime(2026, 6, 1, 10)


def _tries(db: Session, learner, component: str, n: int) -> None:  # type: ignore[no-untyped-def]
    """`n` failed attempts at `component`; every other component passed."""
    for attempt in range(1, n + 1):
        db.add(ExamResult(learner_id=learner.id, component=component, exam_date=date(2025, attempt, 10),
                          level="A2", passed=False, attempt=attempt, source="import"))
    db.execute(sa.update(LearnerExam).where(LearnerExam.learner_id == learner.id,
                                            LearnerExam.component != component).values(status="passed"))
    db.execute(sa.update(LearnerExam).where(LearnerExam.learner_id == learner.id,
                                            LearnerExam.component == component).values(attempts=n))
    db.commit()


def _elsewhere(db: Session, learner, hours: int) -> None:  # type: ignore[no-untyped-def]
    db.add(ExternalHours(learner_id=learner.id, provider_name="Taalschool Elders",
                         period_from=date(2024, 1, 1), period_to=date(2025, 6, 30), minutes=hours * 60,
                         evidence_name="uren.pdf", evidence_type="application/pdf",
                         evidence=b"%PDF-1.4 bewijs"))
    db.commit()


@pytest.fixture()
def school(db: Session) -> dict:
    provider = make_provider(db, name="Taalhuis Oost")
    course = make_class(db, provider)  # Mon + Wed 09:00-12:00, 5 Jan - 27 Mar 2026
    names = {"meets": ("Amina", "Haddad"), "nearly": ("Bilal", "Yilmaz"), "far": ("Chen", "Li"),
             "markup": (MARKUP_FIRST, MARKUP_LAST)}
    learners = {}
    for key, (first, last) in names.items():
        learners[key] = make_learner(db, provider, first_name=first, last_name=last)
        make_enrolment(db, course, learners[key])
        attend_all(db, course, learners[key])
    january = sa.select(Lesson.id).where(Lesson.class_id == course.id, Lesson.lesson_date < date(2026, 2, 1))
    signed = datetime(2026, 2, 1, tzinfo=UTC)
    db.execute(sa.update(Lesson).where(Lesson.id.in_(january)).values(signed_at=signed))
    db.commit()  # 8 January lessons of 3 hours signed: 24 hours each; February and March are not
    _tries(db, learners["meets"], "spreken", 4)
    _elsewhere(db, learners["meets"], 576)  # 24 + 576 = 600
    _tries(db, learners["nearly"], "spreken", 3)
    _elsewhere(db, learners["nearly"], 560)  # 584 hours: 16 short
    _tries(db, learners["far"], "spreken", 1)
    _tries(db, learners["markup"], "spreken", 4)
    _elsewhere(db, learners["markup"], 576)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    return {"provider": provider, "admin": admin, **learners}


def _rows(html: str) -> dict[str, str]:
    import re
    return dict(re.findall(r'<tr data-learner="(\d+)">(.*?)</tr>', html, flags=re.S))


def test_the_list_shows_who_meets_and_who_nearly_meets_with_what_is_missing(
    client, db, school, frozen_now
) -> None:
    frozen_now(TODAY)
    login(client, school["admin"].email)
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    rows = _rows(text(client.get("/exam-path/exemption")))
    assert str(school["far"].id) not in rows
    meets, nearly = rows[str(school["meets"].id)], rows[str(school["nearly"].id)]
    assert "voldoet" in meets and "600,0" in meets
    assert "bijna" in nearly and "584,0" in nearly and "16,0 uur" in nearly and "1 poging Spreken" in nearly


def test_fewer_required_attempts_from_a_later_date_apply_from_that_day(
    client, db, school, frozen_now
) -> None:
    db.add(PolicySetting(key="exemption_attempts", value=3, effective_from=date(2026, 7, 1)))
    db.add(PolicySetting(key="exemption_hours", value=580, effective_from=date(2026, 7, 1)))
    db.commit()
    login(client, school["admin"].email)
    frozen_now(TODAY)
    before = _rows(text(client.get("/exam-path/exemption")))[str(school["nearly"].id)]
    assert "bijna" in before or "nearly" in before
    frozen_now(datetime(2026, 7, 1, 10))
    row = _rows(text(client.get("/exam-path/exemption")))[str(school["nearly"].id)]
    assert "voldoet" in row or "meets" in row


def test_hours_elsewhere_are_stored_with_their_evidence_and_audited(client, db, school, frozen_now) -> None:
    frozen_now(TODAY)
    login(client, school["admin"].email)
    far = school["far"]
    url = f"/exam-path/learners/{far.id}/external-hours"
    evidence = b"%PDF-1.4 verklaring Taalschool West"
    response = submit(client, url, {"provider_name": "Taalschool West", "keurmerk": "y",
                                    "period_from": "2025-01-01", "period_to": "2025-12-31", "hours": "120,5",
                                    "evidence": (io.BytesIO(evidence), "verklaring.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[text(response).find('class="error"'):][:300]
    row = db.execute(sa.select(ExternalHours).where(ExternalHours.learner_id == far.id)).scalar_one()
    assert (row.minutes, row.evidence, row.evidence_type) == (7230, evidence, "application/pdf")
    change = db.execute(sa.select(ExamPathChange).where(ExamPathChange.learner_id == far.id)).scalar_one()
    assert change.kind == "external_hours" and change.changed_by_id == school["admin"].id
    download = client.get(f"/exam-path/external-hours/{row.id}/evidence")
    assert download.data == evidence and download.mimetype == "application/pdf"
    bad = submit(client, url, {"provider_name": "X", "period_from": "2025-02-01", "period_to": "2025-01-01",
                               "hours": "10", "evidence": (io.BytesIO(b"x"), "script.html")},
                 content_type="multipart/form-data")
    assert bad.status_code == 422 and db.execute(sa.select(sa.func.count()).select_from(ExternalHours)
                                                 .where(ExternalHours.learner_id == far.id)).scalar_one() == 1


def test_the_dossier_pdf_has_hours_per_month_attempts_results_and_the_keurmerk(
    client, db, school, frozen_now
) -> None:
    frozen_now(TODAY)
    login(client, school["admin"].email)
    response = client.get(f"/exam-path/learners/{school['meets'].id}/dossier.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = " ".join(pdf_text(response.data).split())
    for expected in ("Dossier ontheffing wegens aantoonbare inspanning", "Amina Haddad", school["meets"].bsn,
                     "Taalhuis Oost", "Keurmerk Inburgeren", "januari 2026 24,0", "Totaal 24,0",
                     "Taalschool Elders", "576,0", "uren.pdf", "Spreken 4 10 april 2025 A2 niet behaald",
                     "600 uur", "minimaal 4 pogingen", "Voldoet aan de voorwaarden."):
        assert expected in content, expected
    assert "februari 2026" not in content  # February's registers are not signed


def test_a_name_written_as_markup_prints_as_text_in_the_dossier(client, db, school, frozen_now) -> None:
    frozen_now(TODAY)
    login(client, school["admin"].email)
    data = client.get(f"/exam-path/learners/{school['markup'].id}/dossier.pdf").data
    assert MARKUP_FIRST in pdf_text(data) and uri_links(data) == []


def test_only_the_provider_admin_opens_the_exemption_pages(client, db, school) -> None:
    finance = make_user(db, school["provider"], role=Role.FINANCE)
    login(client, finance.email)
    assert client.get("/exam-path/exemption").status_code == 403
    assert client.get(f"/exam-path/learners/{school['meets'].id}/dossier.pdf").status_code == 403


def test_the_dossier_states_the_attempts_in_force_on_its_day_four_then_three(
    client, db, school, frozen_now
) -> None:
    """The figures of the day the dossier is made (the day the request goes to DUO) apply: 4 attempts
    until the demo's change day, 3 from it; a learner with 3 attempts meets only from that day."""
    db.add(PolicySetting(key="exemption_attempts", value=3, effective_from=date(2026, 7, 1), demo_value=True))
    db.commit()
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['nearly'].id}/dossier.pdf"
    frozen_now(datetime(2026, 6, 30, 10))
    before = " ".join(pdf_text(client.get(url).data).split())
    assert "Norm op 30 juni 2026: 600 uur" in before and "minimaal 4 pogingen" in before
    frozen_now(datetime(2026, 7, 1, 10))
    after = " ".join(pdf_text(client.get(url).data).split())
    assert "Norm op 1 juli 2026: 600 uur" in after and "minimaal 3 pogingen" in after
    assert "minimaal 4 pogingen" not in after

"""The demo data: a believable world, built once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session
from stdnum.nl import bsn, btw, postcode

from provider_portal.demo import LEARNERS_PER_PROVIDER, seed
from provider_portal.exam_path.exemption import candidates
from provider_portal.models import (
    Cohort,
    CohortMeeting,
    Contract,
    CourseClass,
    Learner,
    PolicySetting,
    Provider,
    User,
)
from provider_portal.models.enums import Role
from provider_portal.policy import figures_on
from provider_portal.reference.places import place_in, places_in


def test_the_demo_has_two_providers_every_role_and_about_300_learners(db: Session) -> None:
    created, logins = seed(db)
    db.commit()
    assert created
    assert db.execute(sa.select(sa.func.count()).select_from(Provider)).scalar_one() == 2
    roles = Counter(db.execute(sa.select(User.role)).scalars())
    assert set(roles) == set(Role) and len(logins) == sum(roles.values())
    learners = db.execute(sa.select(Learner)).scalars().all()
    assert len(learners) == 2 * LEARNERS_PER_PROVIDER == 300
    assert all(bsn.is_valid(x.bsn) and postcode.is_valid(x.postcode) for x in learners)
    assert len({x.route for x in learners}) == 4 and len({x.municipality for x in learners}) >= 10
    assert db.execute(sa.select(sa.func.count()).select_from(Contract)).scalar_one() == 300
    ona = Counter(db.execute(sa.select(CourseClass.provider_id).where(CourseClass.ona)).scalars())
    assert sorted(ona.values()) == [1, 1]  # one ONA class per provider
    vat_ids = db.execute(sa.select(Provider.vat_id)).scalars().all()
    assert len(set(vat_ids)) == 2 and all(v.startswith("NL") and btw.is_valid(v) for v in vat_ids)


def test_the_demo_shows_exemption_attempts_4_then_3_and_learners_on_the_exemption_list(
    db: Session,
) -> None:
    seed(db, date(2026, 12, 3))
    db.commit()
    assert db.execute(sa.select(PolicySetting.key, PolicySetting.effective_from, PolicySetting.value,
                                PolicySetting.demo_value)).all() == [
        ("exemption_attempts", date(2026, 7, 1), 3, True)]
    before, after = figures_on(db, date(2026, 6, 30)), figures_on(db, date(2026, 12, 3))
    assert (before.exemption_attempts, after.exemption_attempts) == (4, 3)
    standing = {(e.learner.provider_id, e.meets) for e in candidates(db, after)}
    assert standing == {(p, m) for p in db.execute(sa.select(Provider.id)).scalars() for m in (True, False)}
    assert not any(e.meets for e in candidates(db, before))  # 3 attempts were not enough under 4


def test_seeding_twice_changes_nothing(db: Session) -> None:
    seed(db)
    db.commit()
    created, _ = seed(db)
    db.commit()
    assert not created
    assert db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one() == 300


def test_the_seed_command_prints_the_demo_logins(app) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "admin@taalhuis-utrecht.nl" in result.output and "planner" in result.output


def test_demo_learners_live_at_real_places_and_map_meets_8_times_weekly(db: Session) -> None:
    # What issue 17 item 3 asks of the generators' field instances holds for the demo too.
    seed(db, date(2026, 12, 3))
    db.commit()
    homes = db.execute(sa.select(Learner.municipality, Learner.place)).all()
    listed = [(town, place) for town, place in homes if places_in(town)]  # 336 of 342 have places
    assert listed and all(place_in(town, place) for town, place in listed)
    meetings: dict[int, list[date]] = {}
    for cohort_id, day in db.execute(
        sa.select(CohortMeeting.cohort_id, CohortMeeting.meeting_date)
        .join(Cohort, Cohort.id == CohortMeeting.cohort_id).where(Cohort.module == "MAP")
        .order_by(CohortMeeting.cohort_id, CohortMeeting.meeting_date)
    ):
        meetings.setdefault(cohort_id, []).append(day)
    assert meetings
    for days in meetings.values():
        assert len(days) == 8
        assert all((b - a).days in (7, 14) and a.weekday() == b.weekday()
                   for a, b in zip(days, days[1:], strict=False))

"""Issue 12, part 7 / domain.md: the exemption's required attempts were lowered from 4 to 3. Both
are dated settings; the day of the change is a demo value (no source names it) that the platform
admin sees labelled and corrects, after which the figure switches on the corrected day."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.demo.exam_path import DEMO_EXEMPTION_ATTEMPTS, seed_policy_figures
from provider_portal.models import PolicySetting
from provider_portal.models.enums import Role
from provider_portal.policy import figures_on
from tests.factories import make_user
from tests.web import login, submit, text


def _attempts_rows(html: str) -> list[str]:
    section = re.search(r'id="policy-exemption_attempts">(.*?)</section>', html, flags=re.S)
    assert section, "no exemption attempts section"
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section.group(1), flags=re.S)[1:]]


def _settings(db: Session) -> list[tuple[date, int, bool]]:
    db.expire_all()
    return [tuple(r) for r in db.execute(sa.select(PolicySetting.effective_from, PolicySetting.value,
                                                   PolicySetting.demo_value)
                                         .where(PolicySetting.key == "exemption_attempts")).all()]


def test_the_demo_keeps_four_then_three_attempts_and_the_figure_switches_on_the_day(db: Session) -> None:
    seed_policy_figures(db)
    db.commit()
    start, value = DEMO_EXEMPTION_ATTEMPTS
    assert _settings(db) == [(start, 3, True)] and value == 3
    assert figures_on(db, date(2022, 1, 1)).exemption_attempts == 4
    assert figures_on(db, date.fromordinal(start.toordinal() - 1)).exemption_attempts == 4
    assert figures_on(db, start).exemption_attempts == 3
    assert figures_on(db, start).exemption_hours == 600  # the hours stay


def test_the_platform_admin_sees_both_rows_with_the_demo_day_labelled_and_corrects_it(
    client, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 12, 3, 10))
    seed_policy_figures(db)
    db.commit()
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    rows = _attempts_rows(text(client.get("/admin/policy/")))
    assert len(rows) == 2
    assert rows[0].startswith("1 jan 2022 4 keer") and "standaard" in rows[0]
    assert rows[1].startswith("1 jul 2026 3 keer") and "demowaarde" in rows[1] and "Corrigeren" in rows[1]
    setting_id = db.execute(sa.select(PolicySetting.id)).scalar_one()

    url = f"/admin/policy/{setting_id}"
    bad = submit(client, url, {"value": "0", "effective_from": "2026-09-01"})
    assert bad.status_code == 422 and "tussen 1 en 20" in text(bad)
    ok = submit(client, url, {"value": "3", "effective_from": "2026-09-01"})
    assert ok.status_code == 302
    assert _settings(db) == [(date(2026, 9, 1), 3, False)]
    assert figures_on(db, date(2026, 8, 31)).exemption_attempts == 4
    assert figures_on(db, date(2026, 9, 1)).exemption_attempts == 3
    rows = _attempts_rows(text(client.get("/admin/policy/")))
    assert "demowaarde" not in rows[1] and "Corrigeren" not in rows[1]  # in force now: not rewritten

    # the same form sent a second time (its page now redirects: the token comes from the list)
    again = submit(client, "/admin/policy/", {"value": "3", "effective_from": "2026-10-01"}, action=url)
    assert again.status_code == 302 and _settings(db) == [(date(2026, 9, 1), 3, False)]
    assert "is van kracht" in text(client.get("/admin/policy/"))


def test_a_coming_setting_is_corrected_only_to_a_day_still_to_come(client, db: Session, frozen_now) -> None:
    frozen_now(datetime(2026, 12, 3, 10))
    db.add(PolicySetting(key="exemption_attempts", value=3, effective_from=date(2027, 7, 1)))
    db.add(PolicySetting(key="exemption_attempts", value=5, effective_from=date(2027, 9, 1)))
    db.commit()
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    first = db.execute(sa.select(PolicySetting.id).where(PolicySetting.value == 3)).scalar_one()
    past = submit(client, f"/admin/policy/{first}", {"value": "3", "effective_from": "2026-12-03"})
    assert past.status_code == 422
    taken = submit(client, f"/admin/policy/{first}", {"value": "3", "effective_from": "2027-09-01"})
    assert taken.status_code == 422 and ("begint al een instelling" in text(taken)
                                         or "already starts on that day" in text(taken))
    moved = submit(client, f"/admin/policy/{first}", {"value": "3", "effective_from": "2027-08-01"})
    assert moved.status_code == 302
    assert sorted(_settings(db)) == [(date(2027, 8, 1), 3, False), (date(2027, 9, 1), 5, False)]

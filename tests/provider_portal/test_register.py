"""The register of a lesson: taking it, saving it safely, signing it off, and learners confirming."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.attendance.codes import GUESS_CHANCE, MAX_FAILURES, code_is_valid, presence_code
from provider_portal.clock import AMSTERDAM
from provider_portal.models import Attendance, AttendanceChange, Lesson, PresenceFailure
from provider_portal.models.enums import Role
from tests.factories import lesson_on, make_class, make_enrolment, make_learner, make_provider, make_user
from tests.web import csrf_token, login, submit, text

LESSON_DAY = date(2026, 3, 4)  # a Wednesday: 09:00-12:00 in the factory's schedule
DURING = datetime(2026, 3, 4, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(DURING)
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    amina, bilal = (
        make_learner(db, provider, first_name="Amina"),
        make_learner(db, provider, first_name="Bilal"),
    )
    late_joiner = make_learner(db, provider, first_name="Chiara")
    make_enrolment(db, course, amina)
    make_enrolment(db, course, bilal)
    make_enrolment(db, course, late_joiner, from_date=date(2026, 3, 9))
    lesson = lesson_on(db, course, LESSON_DAY)
    return {
        "provider": provider,
        "teacher": teacher,
        "course": course,
        "lesson": lesson,
        "amina": amina,
        "bilal": bilal,
        "late": late_joiner,
    }


def _grid(world: dict, **rows: tuple[str, str]) -> dict[str, str]:
    form = {"version": str(world["lesson"].version)}
    for key, (status, minutes) in rows.items():
        lid = world[key].id
        form |= {f"status-{lid}": status, f"minutes-{lid}": minutes, f"remark-{lid}": ""}
    return form


def _marks(db: Session, lesson: Lesson) -> dict[int, tuple[str, int]]:
    db.expire_all()
    rows = db.execute(sa.select(Attendance).where(Attendance.lesson_id == lesson.id)).scalars()
    return {a.learner_id: (a.status, a.minutes) for a in rows}


def test_the_grid_lists_only_learners_enrolled_on_the_lesson_date(client, world) -> None:
    login(client, world["teacher"].email)
    page = text(client.get(f"/lessons/{world['lesson'].id}"))
    assert "Amina" in page and "Bilal" in page and "Chiara" not in page


def test_saving_stores_default_minutes_and_an_audit_entry_per_change(client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    response = submit(client, url, _grid(world, amina=("present", ""), bilal=("late", "150")))
    assert response.status_code == 302
    assert _marks(db, world["lesson"]) == {
        world["amina"].id: ("present", 180),
        world["bilal"].id: ("late", 150),
    }
    changes = db.execute(sa.select(AttendanceChange)).scalars().all()
    assert len(changes) == 2 and all(
        c.old is None and c.changed_by_id == world["teacher"].id for c in changes
    )
    world["lesson"].version = 1
    submit(client, url, _grid(world, amina=("present", ""), bilal=("late", "160")))
    assert db.execute(sa.select(sa.func.count()).select_from(AttendanceChange)).scalar_one() == 3


def test_everyone_present_fills_the_empty_rows_in_the_form_and_saves_nothing(client, db, world) -> None:
    login(client, world["teacher"].email)
    form = _grid(world, amina=("", ""), bilal=("", "")) | {"everyone_present": "1"}
    response = submit(client, f"/lessons/{world['lesson'].id}", form)
    assert response.status_code == 200 and _marks(db, world["lesson"]) == {}
    page = text(response)
    assert _selected(page) == {world["amina"].id: "present", world["bilal"].id: "present"}
    for key in ("amina", "bilal"):
        lid = world[key].id
        assert re.search(rf'name="minutes-{lid}"\s+value="180"', page)
    assert "Controleer de presentielijst en sla hem op" in page


def test_everyone_present_keeps_a_saved_absence_with_notice(client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    submit(client, url, _grid(world, amina=("absent_notice", "")))
    world["lesson"].version = 1
    # the page shows Amina's saved status, so the form sends it back; Bilal is still empty
    response = submit(client, url, _grid(world, amina=("absent_notice", "0"), bilal=("", "")) | {
        "everyone_present": "1"})
    assert response.status_code == 200
    assert _selected(text(response)) == {world["amina"].id: "absent_notice", world["bilal"].id: "present"}
    assert _marks(db, world["lesson"]) == {world["amina"].id: ("absent_notice", 0)}


def test_everyone_present_never_overwrites_a_saved_status_even_if_the_form_left_it_empty(
    client, db, world
) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    submit(client, url, _grid(world, amina=("absent_notice", "")))
    world["lesson"].version = 1
    response = submit(client, url, _grid(world, amina=("", ""), bilal=("", "")) | {"everyone_present": "1"})
    assert _selected(text(response)) == {world["amina"].id: "absent_notice", world["bilal"].id: "present"}


def test_everyone_present_keeps_unsaved_edits_and_saving_then_stores_them(client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    form = _grid(world, amina=("late", "150"), bilal=("", "")) | {"everyone_present": "1"}
    form[f"remark-{world['amina'].id}"] = "bus te laat"
    page = text(submit(client, url, form))
    assert _selected(page) == {world["amina"].id: "late", world["bilal"].id: "present"}
    assert 'value="150"' in page and 'value="bus te laat"' in page
    assert _marks(db, world["lesson"]) == {}
    saved = submit(client, url, _grid(world, amina=("late", "150"), bilal=("present", "180")))
    assert saved.status_code == 302
    assert _marks(db, world["lesson"]) == {
        world["amina"].id: ("late", 150),
        world["bilal"].id: ("present", 180),
    }


def _selected(page: str) -> dict[int, str]:
    """The status each learner's status buttons (radio buttons) show: "" when none is chosen."""
    out: dict[int, str] = {}
    for tag in re.findall(r'<input type="radio"[^>]*>', page):
        lid, value = re.search(r'name="status-(\d+)" value="([a-z_]*)"', tag).groups()
        if re.search(r"\schecked\b", tag):
            out[int(lid)] = value
        else:
            out.setdefault(int(lid), "")
    return out


@pytest.mark.parametrize("minutes", ["181", "-5", "abc"])
def test_impossible_minutes_are_refused_and_nothing_is_stored(client, db, world, minutes) -> None:
    login(client, world["teacher"].email)
    response = submit(
        client, f"/lessons/{world['lesson'].id}", _grid(world, amina=("present", ""), bilal=("late", minutes))
    )
    assert response.status_code == 400 and _marks(db, world["lesson"]) == {}


def test_an_absent_learner_cannot_have_minutes(client, db, world) -> None:
    login(client, world["teacher"].email)
    response = submit(client, f"/lessons/{world['lesson'].id}", _grid(world, amina=("absent", "30")))
    assert response.status_code == 400 and _marks(db, world["lesson"]) == {}


def test_before_the_lesson_only_absence_with_notice_can_be_entered(client, db, world, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 8, 0))
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    assert submit(client, url, _grid(world, amina=("present", ""))).status_code == 400
    assert submit(client, url, _grid(world, amina=("absent_notice", ""))).status_code == 302
    assert _marks(db, world["lesson"]) == {world["amina"].id: ("absent_notice", 0)}


def test_two_people_saving_the_same_register_never_overwrite_each_other(app, db, world) -> None:
    admin = make_user(db, world["provider"], role=Role.PROVIDER_ADMIN)
    first, second = app.test_client(), app.test_client()
    login(first, world["teacher"].email)
    login(second, admin.email)
    url = f"/lessons/{world['lesson'].id}"
    token_1, token_2 = csrf_token(first, url), csrf_token(second, url)  # both open version 0
    ok = first.post(url, data=_grid(world, amina=("present", "")) | {"csrf_token": token_1})
    stale = second.post(url, data=_grid(world, amina=("absent", "")) | {"csrf_token": token_2})
    assert ok.status_code == 302 and stale.status_code == 409
    assert "iemand anders" in text(stale).lower()
    assert _marks(db, world["lesson"]) == {world["amina"].id: ("present", 180)}


def test_a_signed_register_is_locked_and_only_an_admin_may_change_it_with_a_reason(
    client, app, db, world
) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    submit(client, url, _grid(world, amina=("present", ""), bilal=("present", "")))
    assert submit(client, url, {"confirm": "1"}, action=f"{url}/sign").status_code == 302
    world["lesson"].version = 1
    assert submit(client, url, _grid(world, amina=("absent", ""))).status_code == 400
    admin_client = app.test_client()
    login(admin_client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    assert submit(admin_client, url, _grid(world, amina=("absent", ""))).status_code == 400  # no reason
    fixed = submit(admin_client, url, _grid(world, amina=("absent_notice", "")) | {"reason": "ziekmelding"})
    assert fixed.status_code == 302
    change = db.execute(sa.select(AttendanceChange).order_by(AttendanceChange.id.desc())).scalars().first()
    assert (change.old["status"], change.new["status"], change.reason) == (
        "present",
        "absent_notice",
        "ziekmelding",
    )


def test_signing_needs_a_status_for_everyone(client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    submit(client, url, _grid(world, amina=("present", "")))
    asked = submit(client, url, {}, action=f"{url}/sign")  # the confirmation step says so, and cannot sign
    assert "1 inburgeraar heeft nog geen status" in text(asked) and "disabled" in text(asked)
    response = submit(client, url, {"confirm": "1"}, action=f"{url}/sign")
    assert response.status_code == 400 and "Bilal" in text(response)
    db.expire_all()
    assert db.get(Lesson, world["lesson"].id).signed_at is None


def test_a_teacher_of_another_class_cannot_take_this_register(client, db, world) -> None:
    other = make_user(db, world["provider"], role=Role.TEACHER)
    login(client, other.email)
    response = submit(client, f"/lessons/{world['lesson'].id}", _grid(world, amina=("present", "")))
    assert response.status_code == 403 and _marks(db, world["lesson"]) == {}


def test_a_presence_code_is_valid_for_its_lesson_this_minute_and_the_last() -> None:
    now = datetime(2026, 3, 4, 10, 0, 30)
    code = presence_code("secret", 7, now)
    assert code_is_valid("secret", 7, code, now + timedelta(seconds=60))
    assert not code_is_valid("secret", 7, code, now + timedelta(seconds=150))
    assert not code_is_valid("secret", 8, code, now)
    assert not code_is_valid("other secret", 7, code, now)


def test_a_learner_confirms_presence_with_the_code_shown_by_the_teacher(app, client, db, world) -> None:
    login(client, world["teacher"].email)
    shown = text(client.get(f"/lessons/{world['lesson'].id}/code"))
    code = presence_code(app.config["SECRET_KEY"], world["lesson"].id, DURING)
    assert len(code) == 8 and f"{code[:4]} {code[4:]}" in shown and "<svg" in shown
    learner_user = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world["amina"].id)
    learner = app.test_client()
    login(learner, learner_user.email)
    page = f"/me/confirm?lesson={world['lesson'].id}"
    assert (
        submit(
            learner, page, {"lesson": world["lesson"].id, "code": "000000"}, action="/me/confirm"
        ).status_code
        == 400
    )
    assert (
        submit(learner, page, {"lesson": world["lesson"].id, "code": code}, action="/me/confirm").status_code
        == 302
    )
    db.expire_all()
    row = db.execute(sa.select(Attendance).where(Attendance.learner_id == world["amina"].id)).scalar_one()
    assert row.confirmed_at is not None and (row.status, row.minutes) == ("present", 180)


def test_a_learner_cannot_confirm_outside_the_lesson(app, db, world, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 13, 0))
    learner_user = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world["amina"].id)
    learner = app.test_client()
    login(learner, learner_user.email)
    code = presence_code(
        app.config["SECRET_KEY"], world["lesson"].id, datetime(2026, 3, 4, 13, 0, tzinfo=AMSTERDAM)
    )
    response = submit(
        learner,
        f"/me/confirm?lesson={world['lesson'].id}",
        {"lesson": world["lesson"].id, "code": code},
        action="/me/confirm",
    )
    assert response.status_code == 400 and _marks(db, world["lesson"]) == {}


def test_a_cancelled_lesson_has_no_register(client, db, world) -> None:
    world["lesson"].status = "cancelled"
    db.commit()
    login(client, world["teacher"].email)
    response = submit(client, f"/lessons/{world['lesson'].id}", _grid(world, amina=("present", "")))
    assert response.status_code == 400 and _marks(db, world["lesson"]) == {}


@pytest.mark.parametrize("version", [str(2**31), str(2**63), "-1", "²"])
def test_a_version_beyond_the_integer_range_is_a_stale_register_and_nothing_is_saved(
    client, db, world, version: str
) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    response = submit(client, url, {**_grid(world, amina=("present", "")), "version": version})
    assert response.status_code == 409
    assert _marks(db, world["lesson"]) == {}


@pytest.mark.parametrize("row", ["status-abc", "status-²", f"status-{2**31}", f"status-{2**63}"])
def test_a_row_name_that_is_not_a_learner_id_is_ignored(client, db, world, row: str) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    response = submit(client, url, {**_grid(world, amina=("present", "")), row: "present"})
    assert response.status_code == 302
    assert _marks(db, world["lesson"]) == {world["amina"].id: ("present", 180)}


@pytest.mark.parametrize("minutes", ["²", "1²"])
def test_minutes_that_are_not_ascii_digits_are_a_field_error(client, db, world, minutes: str) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    response = submit(client, url, _grid(world, amina=("late", minutes)))
    assert response.status_code == 400 and f'minutes-{world["amina"].id}' in text(response)
    assert _marks(db, world["lesson"]) == {}


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345é", "²²²²²²", "€"])
def test_a_presence_code_with_other_characters_than_ascii_digits_is_a_clear_400(
    app, db, world, code: str
) -> None:
    assert not code_is_valid("secret", 7, code, DURING)
    learner_user = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world["amina"].id)
    learner = app.test_client()
    login(learner, learner_user.email)
    page = f"/me/confirm?lesson={world['lesson'].id}"
    response = submit(learner, page, {"lesson": world["lesson"].id, "code": code}, action="/me/confirm")
    assert response.status_code == 400 and "niet (meer) geldig" in text(response)


def _learner_client(app, db, world, who: str = "amina"):
    learner_user = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world[who].id)
    learner = app.test_client()
    login(learner, learner_user.email)
    return learner


def _send_code(learner, world, code: str):
    page = f"/me/confirm?lesson={world['lesson'].id}"
    return submit(learner, page, {"lesson": world["lesson"].id, "code": code}, action="/me/confirm")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


def test_after_five_wrong_codes_even_the_right_code_is_refused_for_that_lesson(app, db, world) -> None:
    learner = _learner_client(app, db, world)
    right = presence_code(app.config["SECRET_KEY"], world["lesson"].id, DURING)
    for _ in range(MAX_FAILURES):
        response = _send_code(learner, world, _wrong(right))
        assert response.status_code == 400
    assert "laatste poging" in text(response)
    refused = _send_code(learner, world, right)
    assert refused.status_code == 400 and "Te veel onjuiste codes" in text(refused)
    assert _marks(db, world["lesson"]) == {}
    other = _learner_client(app, db, world, "bilal")  # the limit is per learner: Bilal still confirms
    assert _send_code(other, world, right).status_code == 302


def test_a_right_code_after_a_few_wrong_ones_confirms_and_says_how_many_tries_were_left(
    app, db, world
) -> None:
    learner = _learner_client(app, db, world)
    right = presence_code(app.config["SECRET_KEY"], world["lesson"].id, DURING)
    assert "Pogingen over voor deze les: 4" in text(_send_code(learner, world, _wrong(right)))
    assert _send_code(learner, world, f"{right[:4]} {right[4:]}").status_code == 302  # spaces ignored
    assert db.execute(sa.select(sa.func.count()).select_from(PresenceFailure)).scalar_one() == 1


def test_the_teacher_sees_wrong_codes_per_learner_with_times_and_in_the_audit_trail(
    app, client, db, world
) -> None:
    learner = _learner_client(app, db, world)
    right = presence_code(app.config["SECRET_KEY"], world["lesson"].id, DURING)
    for _ in range(2):
        _send_code(learner, world, _wrong(right))
    login(client, world["teacher"].email)
    page = text(client.get(f"/lessons/{world['lesson'].id}"))
    section = page[page.index('id="presence-failures"'):]
    assert "Onjuiste aanwezigheidscodes" in section and "Amina" in section
    assert re.search(r"Amina[^<]*</td><td>2<", section) and section.count("10:00") >= 2
    assert "Onjuiste aanwezigheidscode ingetypt door de cursist" in page
    reasons = db.execute(sa.select(AttendanceChange.reason)).scalars().all()
    assert reasons == ["wrong-presence-code", "wrong-presence-code"]


def test_presence_codes_are_rate_limited_per_learner(database_url, tmp_path, db, world) -> None:
    from provider_portal import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
                      "RATELIMIT_STORAGE_URI": "memory://", "PRESENCE_RATE_LIMIT": "2 per minute"})
    learner = _learner_client(app, db, world)
    statuses = [_send_code(learner, world, "00000000").status_code for _ in range(3)]
    app.extensions["db_engine"].dispose()
    assert statuses == [400, 400, 429]


def test_the_guessing_odds_per_lesson_are_below_one_in_ten_thousand_and_documented() -> None:
    from pathlib import Path

    assert GUESS_CHANCE == MAX_FAILURES * 2 / 10**8 == 1e-7 < 1e-4
    docs = Path(__file__).parents[2].joinpath("docs", "security.md").read_text(encoding="utf-8")
    assert "5 × 2 / 10^8 = 10^-7" in docs


def test_a_learners_confirmation_makes_a_teachers_open_register_stale(app, client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    token = csrf_token(client, url)  # the teacher opens the register at version 0, Amina has no row
    learner = _learner_client(app, db, world)
    right = presence_code(app.config["SECRET_KEY"], world["lesson"].id, DURING)
    assert _send_code(learner, world, right).status_code == 302
    grid = _grid(world, amina=("absent", ""), bilal=("present", ""))
    stale = client.post(url, data=grid | {"csrf_token": token})
    assert stale.status_code == 409 and "iemand anders" in text(stale).lower()
    db.expire_all()
    row = db.get(Attendance, (world["amina"].id, world["lesson"].id))
    assert (row.status, row.minutes) == ("present", 180) and row.confirmed_at is not None
    assert _marks(db, world["lesson"]) == {world["amina"].id: ("present", 180)}
    world["lesson"] = db.get(Lesson, world["lesson"].id)  # the reloaded page's version
    again = submit(client, url, _grid(world, amina=("present", ""), bilal=("present", "")))
    assert again.status_code == 302
    both = {world["amina"].id: ("present", 180), world["bilal"].id: ("present", 180)}
    assert _marks(db, world["lesson"]) == both
    assert db.get(Attendance, (world["amina"].id, world["lesson"].id)).confirmed_at is not None


def test_parallel_wrong_codes_never_get_more_than_the_limit_compared(
    database_url, engine, db, world, monkeypatch
) -> None:
    """Twelve clients guessing at once, three times each: at most MAX_FAILURES codes are compared."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): SQLite lets one writer in at a time")
    import threading

    from provider_portal.attendance import service
    from provider_portal.attendance.service import RegisterError, confirm_with_code

    compared, lock, start = [], threading.Lock(), threading.Barrier(12)
    real = service.code_is_valid

    def counting(*args):
        with lock:
            compared.append(1)
        return real(*args)

    monkeypatch.setattr(service, "code_is_valid", counting)
    user = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world["amina"].id)
    right = presence_code("secret", world["lesson"].id, DURING)

    def guess() -> None:
        with Session(engine) as session:
            lesson = session.get(Lesson, world["lesson"].id)
            learner = session.get(type(world["amina"]), world["amina"].id)
            start.wait(timeout=10)
            for _ in range(3):  # and each retries at once
                try:
                    refusal = confirm_with_code(session, lesson, learner, user, _wrong(right), "secret",
                                                DURING)
                except RegisterError:  # the caller's rollback, as the page's unit of work does
                    session.rollback()
                else:
                    assert refusal is not None  # a wrong code: recorded, then refused
                    session.commit()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stored = db.execute(sa.select(PresenceFailure.attempt).order_by(PresenceFailure.attempt)).scalars().all()
    assert len(compared) == len(stored) <= MAX_FAILURES
    assert stored == list(range(1, len(stored) + 1))


def test_signing_asks_first_and_counts_the_learners_who_did_not_confirm(client, db, world) -> None:
    login(client, world["teacher"].email)
    url = f"/lessons/{world['lesson'].id}"
    submit(client, url, _grid(world, amina=("present", ""), bilal=("late", "150")))
    asked = submit(client, url, {}, action=f"{url}/sign")  # a bare POST, or the button on the register
    assert asked.status_code == 200
    page = text(asked)
    assert "2 van de 2 aanwezige inburgeraars hebben hun aanwezigheid niet zelf bevestigd" in page
    assert "Toch aftekenen" in page and 'name="confirm" value="1"' in page
    db.expire_all()
    assert db.get(Lesson, world["lesson"].id).signed_at is None  # nothing signed yet
    assert submit(client, url, {"confirm": "1"}, action=f"{url}/sign").status_code == 302
    db.expire_all()
    assert db.get(Lesson, world["lesson"].id).signed_at is not None


def test_a_teachers_home_is_their_own_lessons_of_today_and_this_week(client, db, world) -> None:
    colleague = make_user(db, world["provider"], role=Role.TEACHER)
    make_class(db, world["provider"], teachers=(colleague,), name="Klas van een collega")
    login(client, world["teacher"].email)
    home = client.get("/dashboard")
    assert home.status_code == 302 and home.headers["Location"] == "/lessons/today"
    page = text(client.get("/lessons/today"))
    assert "Mijn lessen" in page and "Klas van een collega" not in page
    today, week = page.split('id="lessons-week"')
    assert f"/lessons/{world['lesson'].id}" in today  # Wednesday 4 March
    monday = lesson_on(db, world["course"], date(2026, 3, 2)).id
    assert f"/lessons/{monday}" in week and f"/lessons/{monday}" not in today
    next_monday = lesson_on(db, world["course"], date(2026, 3, 9)).id
    assert f'/lessons/{next_monday}"' not in page


def test_the_code_page_carries_the_servers_seconds_left_and_reloads_itself_without_javascript(
    client, world, frozen_now
) -> None:
    frozen_now(DURING + timedelta(seconds=20))  # the code changes 40 seconds from now
    login(client, world["teacher"].email)
    page = text(client.get(f"/lessons/{world['lesson'].id}/code"))
    assert '<meta http-equiv="refresh" content="40">' in page  # without JavaScript the page reloads then
    assert 'data-seconds="40"' in page and "Nieuwe code over 40 s" in page  # the script ticks from here
    assert 'data-expires="2026-03-04T10:01:00+01:00"' in page

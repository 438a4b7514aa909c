"""Two-factor log-in (TOTP) for staff: enabling, the code step, replays, recovery codes, limits, the
provider's requirement and a platform admin's reset. The clock is frozen, so codes are computed for
known 30-second steps."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Provider, RecoveryCode, SecurityEvent, User, UserSession
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_learner, make_provider, make_user
from tests.web import csrf_token, login, submit, text

START = datetime(2026, 3, 10, 9, 0, 0)  # a step boundary (09:00:00 Amsterdam)


@pytest.fixture()
def clock(frozen_now):
    """The frozen Amsterdam clock; `clock.move(seconds)` moves it on."""

    class Clock:
        moment = frozen_now(START)

        def move(self, seconds: float) -> None:
            self.moment = frozen_now(self.moment + timedelta(seconds=seconds))

        def code(self, secret: str, steps: int = 0) -> str:
            return pyotp.TOTP(secret).at(self.moment.timestamp() + 30 * steps)

    return Clock()


@pytest.fixture()
def provider(db: Session) -> Provider:
    return make_provider(db)


@pytest.fixture()
def admin(db: Session, provider) -> User:
    return make_user(db, provider, role=Role.PROVIDER_ADMIN, email="anna@school.nl")


def _secret_on(page: str) -> str:
    match = re.search(r'id="totp-secret">([^<]+)<', page)
    assert match, "no secret on the set-up page"
    return match.group(1).replace(" ", "")


def _codes_on(page: str) -> list[str]:
    block = page.split('id="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>([a-z0-9-]+)</li>", block)


def enable(client, clock) -> tuple[str, list[str]]:
    """Turn two-factor on for the logged-in user through the pages: (secret, recovery codes)."""
    page = text(client.get("/account/two-factor/setup"))
    secret = _secret_on(page)
    done = submit(client, "/account/two-factor/setup", {"code": clock.code(secret)})
    assert done.status_code == 200, text(done)
    return secret, _codes_on(text(done))


def _enabled_and_logged_out(client, email: str, clock) -> tuple[str, list[str]]:
    """`email` logs in, turns two-factor on through the pages and logs out: (secret, recovery codes)."""
    login(client, email)
    secret_and_codes = enable(client, clock)
    _log_out(client)
    return secret_and_codes


def _logged_in(client) -> bool:
    """The home page opens (a teacher's home sends them on to their own lessons), not the log-in."""
    response = client.get("/dashboard")
    return response.status_code == 200 or (
        response.status_code == 302 and "/login" not in response.headers["Location"])


def _password_step(client, email: str):
    return submit(client, "/login", {"email": email, "password": PASSWORD})


def _log_out(client) -> None:
    # from a page every staff role opens (a teacher's home redirects)
    submit(client, "/account/password", {}, action="/logout")


def _sessions(db: Session) -> int:
    return db.execute(sa.select(sa.func.count()).select_from(UserSession)).scalar_one()


def test_enabling_shows_a_qr_code_and_takes_effect_only_with_a_confirmed_code(client, db, admin,
                                                                             clock) -> None:
    login(client, admin.email)
    page = text(client.get("/account/two-factor/setup"))
    assert "<svg" in page and "Tweestapsverificatie instellen" in page
    secret = _secret_on(page)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert re.search(r'id="totp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', page)  # in groups of four
    db.expire_all()
    assert not db.get(User, admin.id).has_two_factor  # not before it is confirmed

    wrong = submit(client, "/account/two-factor/setup", {"code": "000000" if clock.code(secret) != "000000"
                                                         else "111111"})
    assert wrong.status_code == 200 and "Deze code klopt niet" in text(wrong)
    db.expire_all()
    assert not db.get(User, admin.id).has_two_factor

    done = submit(client, "/account/two-factor/setup", {"code": clock.code(secret)})
    codes = _codes_on(text(done))
    assert len(codes) == 10 and len(set(codes)) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c)
                                                               for c in codes)
    assert "alleen nu" in text(done)
    db.expire_all()
    user = db.get(User, admin.id)
    assert user.has_two_factor and secret not in (user.totp_secret or "")  # stored encrypted
    stored = db.execute(sa.select(RecoveryCode.code_hash)
                        .where(RecoveryCode.user_id == admin.id)).scalars().all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    # the secret and the codes are never shown again
    assert client.get("/account/two-factor/setup").status_code == 302
    status = text(client.get("/account/two-factor"))
    assert secret not in status and codes[0] not in status and "Herstelcodes over" in status
    kinds = db.execute(sa.select(SecurityEvent.kind)).scalars().all()
    assert kinds == ["two_factor_enabled"]


def test_the_password_alone_opens_no_page_and_creates_no_session(app, client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    before = _sessions(db)
    step = _password_step(client, admin.email)
    assert step.status_code == 302 and step.headers["Location"].endswith("/login/code")
    assert _sessions(db) == before  # no server-side session for the password step
    for page in ("/dashboard", "/learners/", "/provider/", "/account/password", "/account/two-factor",
                 "/account/two-factor/setup", "/users/", "/invoicing/"):
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"], page
    token = csrf_token(client, "/login/code")
    refused = client.post("/account/logout-everywhere", data={"csrf_token": token})
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert "Voer de 6-cijferige code in" in text(client.get("/login/code"))


def test_log_in_with_the_code_of_the_app(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(30)
    _password_step(client, admin.email)
    done = submit(client, "/login/code", {"code": clock.code(secret)})
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert _logged_in(client)


def test_a_local_next_survives_the_code_step(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(30)
    token = csrf_token(client, "/login")
    client.post("/login", query_string={"next": "/learners/"},
                data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    done = submit(client, "/login/code", {"code": clock.code(secret)})
    assert done.headers["Location"] == "/learners/"


def test_a_wrong_code_is_refused_in_dutch_and_logs_nobody_in(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(30)
    _password_step(client, admin.email)
    right = clock.code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in (wrong, "12345", "abcdef", "１２３４５６", "abcde-fghij"):
        response = submit(client, "/login/code", {"code": attempt})
        assert response.status_code == 200, attempt
        assert "Deze code klopt niet" in text(response)
    assert submit(client, "/login/code", {"code": "\x00" * 6}).status_code == 400  # the input guard's 4xx
    assert not _logged_in(client)


def test_a_code_outside_one_step_of_drift_is_refused(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(300)
    _password_step(client, admin.email)
    for steps in (-3, -2, 2, 3):
        assert submit(client, "/login/code", {"code": clock.code(secret, steps)}).status_code == 200
    assert submit(client, "/login/code", {"code": clock.code(secret, -1)}).status_code == 302  # drift: ok


def test_a_code_of_the_next_step_is_accepted(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(300)
    _password_step(client, admin.email)
    assert submit(client, "/login/code", {"code": clock.code(secret, +1)}).status_code == 302


def test_a_used_code_cannot_be_replayed_within_its_window(app, client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(60)
    code = clock.code(secret)
    _password_step(client, admin.email)
    assert submit(client, "/login/code", {"code": code}).status_code == 302
    attacker = app.test_client()  # saw the code over the shoulder, knows the password
    clock.move(10)  # the same step: the code is still the one the app shows
    _password_step(attacker, admin.email)
    replay = submit(attacker, "/login/code", {"code": code})
    assert replay.status_code == 200 and not _logged_in(attacker)
    clock.move(20)  # the next step, and the step before it (within the drift) is still refused
    assert submit(attacker, "/login/code", {"code": clock.code(secret, -1)}).status_code == 200
    assert submit(attacker, "/login/code", {"code": clock.code(secret)}).status_code == 302


def test_a_recovery_code_logs_in_once(app, client, db, admin, clock) -> None:
    _, codes = _enabled_and_logged_out(client, admin.email, clock)
    _password_step(client, admin.email)
    used = submit(client, "/login/code", {"code": "  " + codes[3].upper().replace("-", " ") + " "})
    assert used.status_code == 302
    assert "Nog 9 herstelcodes" in text(client.get("/dashboard"))
    _log_out(client)
    _password_step(client, admin.email)
    again = submit(client, "/login/code", {"code": codes[3]})
    assert again.status_code == 200 and not _logged_in(client)
    assert submit(client, "/login/code", {"code": codes[4]}).status_code == 302
    kinds = db.execute(sa.select(SecurityEvent.kind).order_by(SecurityEvent.id)).scalars().all()
    assert kinds == ["two_factor_enabled", "recovery_code_used", "recovery_code_used"]


def test_codes_share_the_accounts_login_limit(app, client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(30)
    _password_step(client, admin.email)
    right = clock.code(secret)
    wrong = f"{(int(right) + 7) % 1_000_000:06d}"
    answers = [submit(client, "/login/code", {"code": wrong}).status_code for _ in range(10)]
    assert answers == [200] * 10
    assert submit(client, "/login/code", {"code": right}).status_code == 429  # even the right code
    other = app.test_client()  # the account, not the browser, is locked: the password step too
    assert _password_step(other, admin.email).status_code == 429
    colleague = make_user(db, db.get(Provider, admin.provider_id), role=Role.FINANCE)
    assert _password_step(other, colleague.email).status_code == 302  # others are not


def test_the_pending_log_in_expires_after_five_minutes(client, db, admin, clock) -> None:
    secret, _ = _enabled_and_logged_out(client, admin.email, clock)
    clock.move(30)
    _password_step(client, admin.email)
    token = csrf_token(client, "/login/code")
    clock.move(301)
    late = client.post("/login/code", data={"code": clock.code(secret), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert not _logged_in(client)


def test_turning_it_off_needs_the_password_and_a_code(client, db, admin, clock) -> None:
    login(client, admin.email)
    secret, _ = enable(client, clock)
    clock.move(30)
    bad_password = submit(client, "/account/two-factor", {"password": "wrong", "code": clock.code(secret)},
                          action="/account/two-factor/disable")
    assert bad_password.status_code == 400 and "Het wachtwoord klopt niet" in text(bad_password)
    bad_code = submit(client, "/account/two-factor", {"password": PASSWORD, "code": "123456"},
                      action="/account/two-factor/disable")
    assert bad_code.status_code == 400
    db.expire_all()
    assert db.get(User, admin.id).has_two_factor
    off = submit(client, "/account/two-factor", {"password": PASSWORD, "code": clock.code(secret)},
                 action="/account/two-factor/disable")
    assert off.status_code == 302
    db.expire_all()
    user = db.get(User, admin.id)
    assert not user.has_two_factor and user.totp_secret is None
    assert db.execute(sa.select(sa.func.count()).select_from(RecoveryCode)).scalar_one() == 0
    _log_out(client)
    assert _password_step(client, admin.email).headers["Location"] == "/dashboard"


def test_a_provider_admin_requires_it_for_all_staff_and_it_is_enforced(app, client, db, admin, provider,
                                                                      clock) -> None:
    teacher = make_user(db, provider, role=Role.TEACHER)
    other_provider_teacher = make_user(db, make_provider(db), role=Role.TEACHER)
    teachers = app.test_client()
    login(teachers, teacher.email)
    elsewhere = app.test_client()
    login(elsewhere, other_provider_teacher.email)
    login(client, admin.email)
    form = text(client.get("/provider/edit"))
    data = {name: html.unescape(value) for name, value in
            re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form) if name != "csrf_token"}
    data["keurmerk_status"] = provider.keurmerk_status
    refused = submit(client, "/provider/edit", {**data, "require_two_factor": "y"})
    assert refused.status_code == 200  # the admin sets it up first
    assert "Stel eerst tweestapsverificatie in" in text(refused)
    db.expire_all()
    assert not db.get(Provider, provider.id).require_two_factor

    enable(client, clock)
    rows = re.findall(r'<td class="two-factor">(\w+)</td>', text(client.get("/users/")))
    assert sorted(rows) == ["Aan", "Uit"]  # the admin sees who has it: themself, not the teacher
    saved = submit(client, "/provider/edit", {**data, "require_two_factor": "y"})
    assert saved.status_code == 302
    db.expire_all()
    assert db.get(Provider, provider.id).require_two_factor
    assert "Verplicht voor alle medewerkers" in text(client.get("/provider/"))
    assert not _logged_in(teachers) and _logged_in(elsewhere) and _logged_in(client)

    step = _password_step(teachers, teacher.email)
    assert step.headers["Location"].endswith("/login/setup")
    assert not _logged_in(teachers) and client.get("/learners/").status_code == 200
    page = text(teachers.get("/login/setup"))
    assert "Uw organisatie vereist tweestapsverificatie" in page
    secret = _secret_on(page)
    done = submit(teachers, "/login/setup", {"code": clock.code(secret)})
    assert done.status_code == 200 and len(_codes_on(text(done))) == 10
    assert _logged_in(teachers)
    _log_out(teachers)
    assert _password_step(teachers, teacher.email).headers["Location"].endswith("/login/code")


def test_a_required_role_setting_applies_to_platform_admins(app, db, clock) -> None:
    from provider_portal.auth.two_factor import required_for

    boss = make_user(db, None, role=Role.PLATFORM_ADMIN)
    with app.test_request_context():
        assert not required_for(db, boss)
        app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("platform_admin",)
        assert required_for(db, boss)


def test_learners_have_no_two_factor_pages(client, db, provider) -> None:
    learner = make_learner(db, provider)
    user = make_user(db, provider, role=Role.LEARNER, learner_id=learner.id)
    login(client, user.email)
    assert client.get("/account/two-factor").status_code == 403
    assert client.get("/account/two-factor/setup").status_code == 403


def test_a_platform_admin_resets_a_users_two_factor_and_it_is_audited(app, client, db, admin,
                                                                      clock) -> None:
    login(client, admin.email)
    enable(client, clock)
    boss = make_user(db, None, role=Role.PLATFORM_ADMIN, name="Pia Platform")
    platform = app.test_client()
    login(platform, boss.email)
    found = submit(platform, "/admin/accounts/two-factor", {"email": admin.email.upper()})
    assert found.status_code == 200 and "Aan sinds" in text(found)
    no_reason = submit(platform, "/admin/accounts/two-factor", {"reason": " "},
                       action=f"/admin/accounts/{admin.id}/two-factor/reset")
    assert no_reason.status_code == 200
    db.expire_all()
    assert db.get(User, admin.id).has_two_factor

    # only a platform admin may reset
    token = csrf_token(client, "/dashboard")
    assert client.post(f"/admin/accounts/{admin.id}/two-factor/reset",
                       data={"reason": "x", "csrf_token": token}).status_code == 403
    done = submit(platform, "/admin/accounts/two-factor", {"reason": "Telefoon kwijt, teruggebeld"},
                  action=f"/admin/accounts/{admin.id}/two-factor/reset")
    assert done.status_code == 302
    db.expire_all()
    assert not db.get(User, admin.id).has_two_factor
    assert not _logged_in(client)  # the user's sessions ended
    event = db.execute(sa.select(SecurityEvent).where(SecurityEvent.kind == "two_factor_reset")).scalar_one()
    assert (event.user_id, event.actor_id, event.detail) == (admin.id, boss.id, "Telefoon kwijt, teruggebeld")
    trail = text(platform.get("/admin/accounts/two-factor"))
    assert "Telefoon kwijt, teruggebeld" in trail and "Pia Platform" in trail
    assert _password_step(client, admin.email).headers["Location"] == "/dashboard"


def test_the_pages_speak_english_too(client, db, admin, clock) -> None:
    login(client, admin.email)
    submit(client, "/dashboard", {"lang": "en"}, action="/language")
    page = text(client.get("/account/two-factor/setup"))
    assert "Set up two-factor log-in" in page and "Confirm and turn on" in page


def test_one_code_sent_twice_at_once_logs_in_once(app, engine, db, admin, clock) -> None:
    """Two requests with the same code at the same moment (a replay racing the owner): the step is taken
    by one conditional update, so exactly one is accepted (real parallel transactions on PostgreSQL)."""
    import threading

    from sqlmodel import Session as DbSession

    from provider_portal.auth import two_factor

    with app.test_request_context():
        two_factor.begin_setup(db, admin)
        secret = two_factor._decrypt(admin.totp_secret)
        two_factor.confirm_setup(db, admin, clock.code(secret))
        db.commit()  # the caller's commit, as the set-up page's unit of work
    clock.move(30)
    code = clock.code(secret)
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def attempt() -> None:
        with app.test_request_context(), DbSession(engine, expire_on_commit=False) as own:
            user = own.get(User, admin.id)
            barrier.wait()
            results.append(two_factor.verify_totp(own, user, code))
            own.commit()  # the caller's unit of work ends: the row lock of the used step is released

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, False, False, True]

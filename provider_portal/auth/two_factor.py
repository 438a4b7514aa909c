"""Two-factor log-in with TOTP (RFC 6238: 6 digits, 30-second steps) and one-time recovery codes.

- Enabling: the user gets a new secret (QR code and the secret in groups of four), which becomes
  active only once a code from the app is confirmed; then ten recovery codes are shown, once.
- The secret is kept Fernet-encrypted (AES + HMAC) with a key derived from SECRET_KEY; after
  enabling it is never shown again. Recovery codes are kept as HMAC-SHA256 under that key.
- A code is accepted for the current step and one step either side (clock drift). The step of the
  last accepted code is stored, and a code is taken only by a conditional update that moves it
  forward, so a code (or an older one) can never be used twice, not even by parallel requests.
- A recovery code is used by a conditional update (`used_at IS NULL`): each one works once.
- Log-in of a user with two-factor (or one who must have it) stops after the password in a
  *pending* state (`PENDING_KEY` in the signed session, five minutes): no user is logged in, so
  no page opens; only the code step (or, for a user who must set it up, the set-up step) completes
  the log-in and creates the server-side session (`auth.sessions`).
- Disabling needs the password and a code; a platform admin can reset a user's two-factor log-in.
  Every change is a `security_event` row (the audit trail).
- Every change runs in the caller's session and is committed by the caller's `db.unit_of_work`; a
  used code's conditional update holds its row until then, so a parallel use of the same code waits
  and then finds it taken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from provider_portal import clock
from provider_portal.auth import sessions
from provider_portal.db import changed_rows
from provider_portal.models import Provider, RecoveryCode, SecurityEvent, User
from provider_portal.models.enums import PROVIDER_ROLES, Role
from provider_portal.models.types import utcnow
from provider_portal.service_errors import DomainError

log = logging.getLogger(__name__)

ISSUER = "Inburgering Planner"
STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (phone clocks drift)
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
RECOVERY_LENGTH = 10  # 31^10 ≈ 2^49.5 per code
PENDING_KEY = "mfa_pending"
PENDING_SECONDS = 300

codes = RecoveryCode.__table__  # type: ignore[attr-defined]
events = SecurityEvent.__table__  # type: ignore[attr-defined]
users = User.__table__


class TwoFactorError(DomainError):
    """A two-factor step is refused; `field` names the form field, the message says why."""


# --- keys and storage -------------------------------------------------------------------------

def _key(purpose: bytes) -> bytes:
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"two-factor:" + purpose,
                    hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"totp-secret")))


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _decrypt(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed: the secret is lost, the user needs a reset
        log.error("a TOTP secret cannot be decrypted (SECRET_KEY changed?); reset the user's two-factor")
        return None


def _code_hash(code: str) -> str:
    return hmac.new(_key(b"recovery-code"), code.encode(), hashlib.sha256).hexdigest()


def _set(user: User, **values: Any) -> None:
    """Mirror values written with a Core statement on the loaded user without marking it dirty: a
    later flush must never write an older `totp_last_step` back over a newer one."""
    for name, value in values.items():
        set_committed_value(user, name, value)


def _audit(db: Session, user_id: int | None, actor_id: int | None, kind: str, detail: str = "") -> None:
    db.execute(sa.insert(events).values(at=utcnow(), user_id=user_id, actor_id=actor_id, kind=kind,
                                        detail=detail[:500]))


# --- who needs it -----------------------------------------------------------------------------

def available_for(user: User) -> bool:
    """Every account but a learner's may use two-factor log-in."""
    return user.role != Role.LEARNER


def required_for(db: Session, user: User) -> bool:
    """Whether the user must log in with a second factor: their role is in `TWO_FACTOR_REQUIRED_ROLES`,
    or they are staff of a provider that requires it for all its staff."""
    if not available_for(user):
        return False
    if user.role in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", ()):
        return True
    if user.role in PROVIDER_ROLES and user.provider_id is not None:
        required = db.execute(sa.select(col(Provider.require_two_factor))
                              .where(col(Provider.id) == user.provider_id)).scalar_one_or_none()
        return bool(required)
    return False


# --- enabling ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Setup:
    """What the set-up page shows: the QR code (inline SVG) and the secret in groups of four."""

    secret: str
    uri: str

    @property
    def grouped(self) -> str:
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))

    @property
    def qr_svg(self) -> str:
        return str(segno.make(self.uri, error="m").svg_inline(scale=4, dark="#1d2733"))


def _setup_of(user: User, secret: str) -> Setup:
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER)
    return Setup(secret=secret, uri=uri)


def begin_setup(db: Session, user: User) -> Setup:
    """The pending secret of this user, made now if there is none; not active until confirmed."""
    if user.has_two_factor:
        raise TwoFactorError("code", _l("Two-factor log-in is already on for this account."))
    secret = _decrypt(user.totp_secret)
    if secret is None:
        secret = pyotp.random_base32()  # 32 characters: 160 bits, as RFC 4226 recommends
        token = _encrypt(secret)
        db.execute(sa.update(users).where(users.c.id == user.id, users.c.totp_enabled_at.is_(None))
                   .values(totp_secret=token, totp_last_step=None))
        _set(user, totp_secret=token, totp_last_step=None)
    return _setup_of(user, secret)


def new_recovery_codes(db: Session, user: User) -> list[str]:
    """Ten fresh recovery codes (the old ones stop working); only their hashes are stored."""
    plain = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.execute(sa.delete(codes).where(codes.c.user_id == user.id))
    db.execute(sa.insert(codes), [{"user_id": user.id, "code_hash": _code_hash(code)} for code in plain])
    return [f"{code[:5]}-{code[5:]}" for code in plain]


def confirm_setup(db: Session, user: User, code: str) -> list[str]:
    """Turn two-factor log-in on with the pending secret once `code` matches; the recovery codes,
    to be shown once. Refused when the code is wrong, or someone confirmed meanwhile."""
    secret = None if user.has_two_factor else _decrypt(user.totp_secret)
    if secret is None:
        raise TwoFactorError("code", _l("Start the set-up again: there is no new secret to confirm."))
    step = _matching_step(secret, code)
    if step is None:
        raise TwoFactorError("code", _l("This code is not right. Enter the 6-digit code your app shows now."))
    now = utcnow()
    done = db.execute(sa.update(users).where(users.c.id == user.id, users.c.totp_enabled_at.is_(None),
                                             users.c.totp_secret == user.totp_secret)
                      .values(totp_enabled_at=now, totp_last_step=step))
    if changed_rows(done) != 1:
        raise TwoFactorError("code", _l("Start the set-up again: there is no new secret to confirm."))
    plain = new_recovery_codes(db, user)
    _audit(db, user.id, user.id, "two_factor_enabled")
    _set(user, totp_enabled_at=now, totp_last_step=step)
    return plain


# --- checking codes ---------------------------------------------------------------------------

def _now_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def _normal_totp(code: str) -> str | None:
    digits = re.sub(r"[\s-]", "", code or "")
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def _matching_step(secret: str, code: str) -> int | None:
    """The step (now, or one either side) whose code this is, newest first; None if none matches."""
    digits = _normal_totp(code)
    if digits is None:
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = _now_step()
    for step in range(now + DRIFT_STEPS, now - DRIFT_STEPS - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def verify_totp(db: Session, user: User, code: str) -> bool:
    """True if `code` is the user's current code (±1 step) and newer than the last one used; it is
    then marked used (one conditional update), so a replay within its window is refused."""
    if not user.has_two_factor:
        return False
    secret = _decrypt(user.totp_secret)
    step = _matching_step(secret, code) if secret else None
    if step is None:
        return False
    taken = db.execute(sa.update(users).where(
        users.c.id == user.id, users.c.totp_enabled_at.is_not(None),
        sa.or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step)).values(totp_last_step=step))
    if changed_rows(taken) == 1:
        _set(user, totp_last_step=step)
        return True
    log.warning("a used two-factor code was sent again for user %s", user.id)
    return False


def _normal_recovery(code: str) -> str | None:
    letters = re.sub(r"[\s-]", "", (code or "").lower())
    ok = len(letters) == RECOVERY_LENGTH and all(char in RECOVERY_ALPHABET for char in letters)
    return letters if ok else None


def use_recovery_code(db: Session, user: User, code: str) -> bool:
    """True if `code` is one of the user's unused recovery codes; it is used up at once."""
    letters = _normal_recovery(code)
    if letters is None or not user.has_two_factor:
        return False
    used = db.execute(sa.update(codes).where(codes.c.user_id == user.id, codes.c.used_at.is_(None),
                                             codes.c.code_hash == _code_hash(letters))
                      .values(used_at=utcnow()))
    if changed_rows(used) != 1:
        return False
    _audit(db, user.id, user.id, "recovery_code_used")
    return True


def recovery_codes_left(db: Session, user: User) -> int:
    return int(db.execute(sa.select(sa.func.count()).select_from(codes)
                          .where(codes.c.user_id == user.id, codes.c.used_at.is_(None))).scalar_one())


def check_code(db: Session, user: User, code: str) -> str | None:
    """'totp' or 'recovery' for the way `code` was accepted, None if refused."""
    if _normal_totp(code) is not None:
        return "totp" if verify_totp(db, user, code) else None
    return "recovery" if use_recovery_code(db, user, code) else None


# --- turning it off ---------------------------------------------------------------------------

def _clear(db: Session, user: User) -> None:
    db.execute(sa.update(users).where(users.c.id == user.id)
               .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None))
    db.execute(sa.delete(codes).where(codes.c.user_id == user.id))
    _set(user, totp_secret=None, totp_enabled_at=None, totp_last_step=None)


def disable(db: Session, user: User, password: str, code: str) -> None:
    """Turn two-factor log-in off: only with the password and a code (or a recovery code)."""
    if not user.check_password(password):
        raise TwoFactorError("password", _l("The password is wrong."))
    if check_code(db, user, code) is None:
        raise TwoFactorError("code", _l("This code is not right, or it was used already."))
    _clear(db, user)
    _audit(db, user.id, user.id, "two_factor_disabled")


def cancel_setup(db: Session, user: User) -> None:
    """Drop a secret that was never confirmed."""
    if not user.has_two_factor and user.totp_secret is not None:
        _clear(db, user)


def reset(db: Session, actor: User, user: User, reason: str) -> None:
    """A platform admin turns a user's two-factor log-in off (a lost phone and lost recovery codes):
    audited with the reason; the user's sessions end, and they set it up again at their next log-in
    if it is required."""
    reason = reason.strip()
    if not reason:
        raise TwoFactorError("reason", _l("Say why, for the audit trail."))
    if not user.has_two_factor and user.totp_secret is None:
        raise TwoFactorError("reason", _l("This account has no two-factor log-in to reset."))
    _clear(db, user)
    sessions.end_all(db, user.id)
    _audit(db, user.id, actor.id, "two_factor_reset", reason)
    log.warning("two-factor log-in of user %s reset by platform admin %s", user.id, actor.id)


def end_sessions_without_two_factor(db: Session, provider_id: int | None) -> int:
    """When a provider starts requiring two-factor log-in: end the sessions of its staff who have
    none (they set it up at their next log-in); the caller commits. The number of users affected."""
    staff = sa.select(users.c.id).where(users.c.provider_id == provider_id,
                                        users.c.role.in_([str(role) for role in PROVIDER_ROLES]),
                                        users.c.totp_enabled_at.is_(None))
    ids = list(db.execute(staff).scalars())
    for user_id in ids:
        sessions.end_all(db, user_id)
    return len(ids)


def recent_events(db: Session, limit: int = 20) -> list[Any]:
    """The latest security events, newest first, with the names of subject and actor."""
    subject, actor = User.__table__.alias("subject"), User.__table__.alias("actor")
    stmt = (sa.select(events.c.at, events.c.kind, events.c.detail, subject.c.email.label("email"),
                      actor.c.name.label("actor"))
            .join(subject, subject.c.id == events.c.user_id)
            .outerjoin(actor, actor.c.id == events.c.actor_id)
            .order_by(events.c.at.desc(), events.c.id.desc()).limit(limit))
    return list(db.execute(stmt))


# --- the pending log-in -----------------------------------------------------------------------

def start_pending(user: User, next_url: str | None, account_key: str) -> None:
    """After a right password: remember who is half logged in (no user is logged in yet)."""
    session.clear()
    session[PENDING_KEY] = {"uid": user.id, "at": clock.now().timestamp(), "next": next_url,
                            "acct": account_key}


def pending() -> dict[str, Any] | None:
    """The pending log-in of this browser, if it is younger than five minutes."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("uid"), int):
        return None
    if clock.now().timestamp() - float(state.get("at", 0)) > PENDING_SECONDS:
        return None
    return state


def pending_user(db: Session) -> User | None:
    """The active user of the pending log-in, or None."""
    state = pending()
    if state is None:
        return None
    stmt = sa.select(User).where(col(User.id) == state["uid"], col(User.active).is_(True))
    return db.execute(stmt).scalar_one_or_none()

"""Builders for test data: each takes a session and keyword overrides, and commits.

Defaults are valid and unique per call, so a test states only what matters to it.
"""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session
from werkzeug.security import generate_password_hash

from provider_portal.demo import elfproef_bsn
from provider_portal.learners.service import LearnerData, save_learner
from provider_portal.models import Contract, Learner, PlannerMunicipality, Provider, User
from provider_portal.models.enums import Role

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")  # hashing once keeps tests fast
_counter = itertools.count(1)
_rng = random.Random(7)


def make_provider(session: Session, **over: Any) -> Provider:
    n = next(_counter)
    fields: dict[str, Any] = dict(name=f"Taalschool {n}", bow_number=f"BOW-{n:05d}", kvk_number="30123456",
                                  iban="NL91ABNA0417164300", street="Oudegracht 1", postcode="3511AB",
                                  city="Utrecht")
    provider = Provider(**(fields | over))
    session.add(provider)
    session.commit()
    return provider


def make_user(session: Session, provider: Provider | None, role: str = Role.PROVIDER_ADMIN,
              municipalities: tuple[str, ...] = (), **over: Any) -> User:
    n = next(_counter)
    user = User(email=f"user{n}@example.nl", name=f"User {n}", role=role, password_hash=PASSWORD_HASH,
                provider_id=provider.id if provider else None)
    for key, value in over.items():
        setattr(user, key, value)
    session.add(user)
    session.flush()
    session.add_all(PlannerMunicipality(user_id=user.id, municipality=m) for m in municipalities)
    session.commit()
    return user


def learner_data(**over: Any) -> LearnerData:
    fields: dict[str, Any] = dict(
        bsn=elfproef_bsn(_rng), first_name="Amina", last_name=f"Haddad {next(_counter)}",
        date_of_birth=date(1990, 5, 17), migrant_type="asiel", route="B1", municipality="Utrecht",
        postcode="3511AB", languages=("ar",), duo_term_start=date(2025, 3, 1), duo_term_end=None,
        duo_term_extended_until=None, loan_amount=Decimal("10000.00"),
    )
    return LearnerData(**(fields | over))


def make_learner(session: Session, provider: Provider, **over: Any) -> Learner:
    learner = Learner(provider_id=provider.id)  # type: ignore[call-arg]
    return save_learner(session, learner_data(**over), learner)


def make_contract(session: Session, learner: Learner, **over: Any) -> Contract:
    n = next(_counter)
    fields: dict[str, Any] = dict(provider_id=learner.provider_id, learner_id=learner.id, number=f"C-{n}",
                                  start_date=date(2025, 4, 1), end_date=date(2026, 12, 31),
                                  purchased_hours=600, hourly_rate_cents=1450, total_price_cents=870000)
    contract = Contract(**(fields | over))
    session.add(contract)
    session.commit()
    return contract

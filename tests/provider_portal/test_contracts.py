"""Contracts: the model contract's figures, termination with a reason, completion."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Contract, Learner
from provider_portal.models.enums import Role
from tests.factories import make_contract, make_learner, make_provider, make_user
from tests.web import login, submit, text

FORM = {
    "number": "2026-0001",
    "start_date": "2026-01-05",
    "end_date": "2027-06-30",
    "purchased_hours": "600",
    "hourly_rate": "14.50",
    "total_price": "",
}


@pytest.fixture()
def learner(db: Session, client) -> Learner:
    provider = make_provider(db)
    login(client, make_user(db, provider, role=Role.FINANCE).email)
    return make_learner(db, provider)


def test_a_new_contract_defaults_its_total_to_hours_times_rate(client, db, learner) -> None:
    response = submit(client, f"/learners/{learner.id}/contracts/new", FORM)
    assert response.status_code == 302
    contract = db.execute(sa.select(Contract)).scalar_one()
    assert (contract.total_price_cents, contract.hourly_rate_cents, contract.status) == (
        870000,
        1450,
        "active",
    )
    page = text(client.get(f"/learners/{learner.id}"))
    assert "€\xa08.700,00" in page and "€\xa014,50" in page  # Babel nl_NL, non-breaking space


def test_the_new_contract_form_suggests_the_next_number(client, learner, frozen_now) -> None:
    frozen_now(datetime(2027, 1, 1, 0, 30))  # Amsterdam's new year while UTC is still in the old one
    assert 'value="2027-0001"' in text(client.get(f"/learners/{learner.id}/contracts/new"))


@pytest.mark.parametrize(
    "field,value",
    [("end_date", "2025-12-31"), ("purchased_hours", "0"), ("hourly_rate", "abc"), ("number", "")],
)
def test_bad_contract_fields_are_named_and_nothing_is_stored(client, db, learner, field, value) -> None:
    response = submit(client, f"/learners/{learner.id}/contracts/new", {**FORM, field: value})
    assert response.status_code == 200 and f'id="{field}-error"' in text(response)
    assert db.execute(sa.select(sa.func.count()).select_from(Contract)).scalar_one() == 0


def test_a_contract_number_is_unique_per_provider(client, db, learner) -> None:
    make_contract(db, learner, number="2026-0001")
    response = submit(client, f"/learners/{learner.id}/contracts/new", FORM)
    assert 'id="number-error"' in text(response)


def test_termination_keeps_date_and_reason_and_needs_both(client, db, learner) -> None:
    contract = make_contract(db, learner, start_date=date(2025, 4, 1))
    url = f"/contracts/{contract.id}/terminate"
    early = submit(client, url, {"terminated_on": "2025-01-01", "reason": "Verhuisd"})
    assert 'id="terminated_on-error"' in text(early)
    no_reason = submit(client, url, {"terminated_on": "2025-10-01", "reason": ""})
    assert 'id="reason-error"' in text(no_reason)
    assert submit(client, url, {"terminated_on": "2025-10-01", "reason": "Verhuisd"}).status_code == 302
    db.refresh(contract)
    assert (contract.status, contract.terminated_on, contract.termination_reason) == (
        "terminated",
        date(2025, 10, 1),
        "Verhuisd",
    )
    again = submit(
        client, f"/learners/{learner.id}", {"terminated_on": "2025-10-02", "reason": "x"}, action=url
    )
    assert "Alleen een actief contract" in text(again)


def test_completing_a_contract_locks_it_against_edits(client, db, learner) -> None:
    contract = make_contract(db, learner)
    submit(client, f"/learners/{learner.id}", {}, action=f"/contracts/{contract.id}/complete")
    db.refresh(contract)
    assert contract.status == "completed"
    response = submit(client, f"/learners/{learner.id}", FORM, action=f"/contracts/{contract.id}/edit")
    assert "Alleen een actief contract" in text(response)


def test_the_contract_list_filters_by_status(client, db, learner) -> None:
    make_contract(db, learner, number="ACT-1")
    make_contract(db, learner, number="DONE-1", status="completed")
    page = text(client.get("/contracts/?status=completed"))
    assert "DONE-1" in page and "ACT-1" not in page

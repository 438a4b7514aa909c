"""The input file format: the example parses, matches its JSON Schema, and numbers stay exact."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from billing.errors import BillingInputError
from billing.parse import load_input, parse_input
from billing.quarters import Quarter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "billing-input.json"
SCHEMA = ROOT / "docs" / "schemas" / "billing-input.schema.json"


def minimal(**learner: object) -> dict:
    """The smallest valid input with one learner, overridden by `learner`."""
    row = {"id": "L-1", "bsn": "111222333", "loan_remaining": "100.00",
           "contract": {"price": "900.00", "hourly_rate": "10.00"}}
    row.update(learner)
    return {"provider": {"id": "P"}, "learners": [row]}


def test_the_example_file_parses_into_the_domain_types() -> None:
    data = load_input(EXAMPLE)
    assert data.invoice_date == date(2026, 10, 5)
    assert [learner.learner_id for learner in data.learners] == ["L-001", "L-002", "L-003", "L-004"]
    assert data.learners[0].contract.hourly_rate_cents == 1_650
    assert data.caps.cap_for(Quarter(2026, 3)) == 125_000


def test_the_example_file_is_valid_against_the_json_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(EXAMPLE.read_text())))
    assert errors == []


def test_the_json_schema_rejects_a_rate_that_is_not_a_number() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = minimal(contract={"price": "900.00", "hourly_rate": "ten"})
    assert not Draft202012Validator(schema).is_valid(broken)


def test_json_numbers_are_read_as_exact_decimals_never_as_floats(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"provider": {"id": "P"}, "learners": [{"id": "L-1", "bsn": "111222333", '
                    '"loan_remaining": 0.3, "contract": {"price": 1000, "hourly_rate": 16.1}}]}')
    learner = load_input(path).learners[0]
    assert (learner.loan_remaining_cents, learner.contract.hourly_rate_cents) == (30, 1_610)


def test_a_missing_default_cap_table_means_1250_euro() -> None:
    assert parse_input(minimal()).caps.cap_for(Quarter(2031, 2)) == 125_000


def test_an_invalid_bsn_is_named_with_its_learner_and_path() -> None:
    with pytest.raises(BillingInputError) as info:
        parse_input(minimal(bsn="123456789"))
    assert str(info.value).startswith("learners[0].bsn: is not a valid BSN")
    assert info.value.learner_id == "L-1"


def test_a_learner_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(BillingInputError, match=r"^learners\[0\]: must be an object"):
        parse_input({"provider": {"id": "P"}, "learners": ["L-1"]})


def test_two_learners_with_the_same_id_are_refused() -> None:
    data = minimal()
    data["learners"].append(dict(data["learners"][0]))
    with pytest.raises(BillingInputError, match=r"^learners\[1\]\.id: 'L-1' is also the id of "
                                                r"learners\[0\]"):
        parse_input(data)

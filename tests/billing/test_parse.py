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


def _load(tmp_path: Path, text: str):
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    return load_input(path)


def _with(learner_json: str) -> str:
    return ('{"provider": {"id": "P"}, "learners": [{"id": "L-1", "bsn": "111222333", '
            f'"loan_remaining": "100.00", {learner_json}}}]}}')


CONTRACT = '"contract": {"price": "900.00", "hourly_rate": "10.00"}'
ABSURD = [
    ('"lessons": [{"date": "2026-07-07", "hours": 1e999999999}]', "learners[0].lessons[0].hours",
     "1e999999999 is out of range; at most 24"),
    ('"lessons": [{"date": "2026-07-07", "hours": -1e999999999}]', "learners[0].lessons[0].hours",
     "-1e999999999 is out of range; at least -24"),
    ('"lessons": [{"date": "2026-07-07", "hours": NaN}]', "learners[0].lessons[0].hours",
     "NaN is not a number"),
    ('"lessons": [{"date": "2026-07-07", "hours": Infinity}]', "learners[0].lessons[0].hours",
     "Infinity is not a number"),
    ('"lessons": [{"date": "2026-07-07", "hours": "1e1"}]', "learners[0].lessons[0].hours",
     "'1e1' is not a decimal"),
    ('"lessons": [{"date": "2026-07-07", "hours": 1e-999999999}]', "learners[0].lessons[0].hours",
     "1e-999999999 has more than 12 decimals"),
]


@pytest.mark.parametrize(("lessons", "path", "message"), ABSURD)
def test_absurd_hours_are_refused_naming_their_path(tmp_path: Path, lessons, path, message) -> None:
    with pytest.raises(BillingInputError) as info:
        _load(tmp_path, _with(f"{CONTRACT}, {lessons}"))
    assert str(info.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(("price", "message"), [
    ("1e30", "1e30 is out of range; at most 1000000000"),
    ('"1e3"', "'1e3' is not a decimal"),
    ('"+900"', "'+900' is not a decimal"),
    ("-Infinity", "-Infinity is not a number"),
    ("1" * 5000, "1111111111111111111111111111111111111... is out of range"),
])
def test_absurd_amounts_are_refused_naming_their_path(tmp_path: Path, price: str, message: str) -> None:
    with pytest.raises(BillingInputError) as info:
        _load(tmp_path, _with(f'"contract": {{"price": {price}, "hourly_rate": "10.00"}}'))
    assert str(info.value).startswith(f"learners[0].contract.price: {message}")


def test_json_numbers_in_exponent_form_within_range_are_read_exactly(tmp_path: Path) -> None:
    learner = _load(tmp_path, _with('"contract": {"price": 9e2, "hourly_rate": 1.65E1}, '
                                    '"lessons": [{"date": "2026-07-07", "hours": 2.5e0}]')).learners[0]
    assert (learner.contract.price_cents, learner.contract.hourly_rate_cents) == (90_000, 1_650)
    assert str(learner.lessons[0].hours) == "2.5"


def test_a_file_nested_too_deeply_is_refused_without_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(BillingInputError, match="nested too deeply"):
        _load(tmp_path, "[" * 100_000 + "]" * 100_000)

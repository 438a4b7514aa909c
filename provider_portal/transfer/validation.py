"""Checking every row of an import before anything is stored: pure, given what the provider already has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l

from provider_portal.contracts.service import ContractData
from provider_portal.learners.service import LearnerData, default_term_end
from provider_portal.models.enums import MigrantType, Route
from provider_portal.reference import municipalities
from provider_portal.reference.places import LANGUAGES
from provider_portal.transfer import cells
from provider_portal.transfer.columns import (
    CONTRACT_COLUMNS,
    ENROLMENT_COLUMNS,
    LEARNER_COLUMNS,
    Column,
    RowError,
    RowReader,
    map_headers,
)
from provider_portal.transfer.tables import Table, normalise_header

T = TypeVar("T")

ROUTES = {"b1": Route.B1, "b1_route": Route.B1, "b1_entree": Route.B1_ENTREE, "entree": Route.B1_ENTREE,
          "b1_entree_route": Route.B1_ENTREE, "onderwijs": Route.ONDERWIJS, "onderwijsroute": Route.ONDERWIJS,
          "z": Route.Z, "z_route": Route.Z, "zelfredzaamheidsroute": Route.Z}
MIGRANT_TYPES = {"asiel": MigrantType.ASIEL, "asielstatushouder": MigrantType.ASIEL,
                 "statushouder": MigrantType.ASIEL, "gezin": MigrantType.GEZIN,
                 "gezinsmigrant": MigrantType.GEZIN, "overig": MigrantType.OVERIG,
                 "other": MigrantType.OVERIG}
LANGUAGE_NAMES = {name.lower(): code for code, name in LANGUAGES.items()}
# every Dutch municipality, by CBS name, alias or code (lower case) -> CBS name
MUNICIPALITIES = {key.lower(): municipalities.resolve(key) or key for key in (
    *municipalities.BY_NAME, *municipalities.ALIASES, *municipalities.BY_CODE)}


@dataclass(frozen=True)
class Lookups:
    """What the provider already holds that rows refer to or must not repeat."""

    learner_ids: Mapping[str, int] = field(default_factory=dict)  # BSN -> learner id
    class_ids: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # lower-case name -> ids
    contract_numbers: frozenset[str] = frozenset()


@dataclass
class Checked(Generic[T]):
    """The rows that passed, each with its row number, and every problem found."""

    items: list[tuple[int, T]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class EnrolmentRow:
    learner_id: int
    class_id: int
    from_date: date | None
    to_date: date | None


def _check(table: Table, columns: tuple[Column, ...],
           row_check: Callable[[RowReader], T | None]) -> Checked[T]:
    index, errors = map_headers(table.headers, columns)
    checked: Checked[T] = Checked(errors=errors)
    if errors:
        return checked  # with the wrong columns every row would only repeat the same problem
    for number, cells_ in table.rows:
        reader = RowReader(number, cells_, index)
        item = row_check(reader)
        if reader.errors or item is None:
            checked.errors += reader.errors
        else:
            checked.items.append((number, item))
    checked.errors.sort()
    return checked


def _once(reader: RowReader, column: str, value: str | None, seen: dict[str, int]) -> None:
    """A value that must be unique within the file: later rows name the first one."""
    if value is None:
        return
    if value in seen:
        reader.fail(column, _l("appears more than once in the file (also row %(row)s)", row=seen[value]))
    else:
        seen[value] = reader.number


def _choice(mapping: Mapping[str, object], reason: object,
            key: Callable[[object], str] = normalise_header) -> Callable[[object], object]:
    def parse(value: object) -> object:
        found = mapping.get(key(value))
        if found is None:
            raise cells.CellError(reason)
        return found
    return parse


def _languages(value: object) -> tuple[str, ...]:
    codes = []
    for part in cells.text(value).replace(";", ",").replace("/", ",").split(","):
        word = part.strip().lower()
        if not word:
            continue
        code = word if word in LANGUAGES else LANGUAGE_NAMES.get(word)
        if code is None:
            raise cells.CellError(_l("unknown language %(word)s (use codes such as ar, ti, en)",
                                     word=part.strip()))
        codes.append(code)
    if not codes:
        raise cells.CellError(_l("required"))
    return tuple(codes)


def _name(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        name = cells.text(value)
        if len(name) > limit:
            raise cells.CellError(_l("longer than %(n)s characters", n=limit))
        return name
    return parse


def _amount(low: str, high: str) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        amount = cells.parse_decimal(value)
        cells.in_range(amount, Decimal(low), Decimal(high))
        return amount
    return parse


def _hours(value: object) -> int:
    hours = cells.parse_int(value)
    cells.in_range(hours, 1, 3000)
    return hours


def validate_learners(table: Table, lookups: Lookups, today: date) -> Checked[LearnerData]:
    """Every learner row as the learner form would check it, plus BSNs unique in file and provider."""
    seen: dict[str, int] = {}

    def row(r: RowReader) -> LearnerData | None:
        bsn = r.get("bsn", cells.parse_bsn)
        if bsn is not None and bsn in lookups.learner_ids:
            r.fail("bsn", _l("a learner with this BSN already exists"))
        _once(r, "bsn", bsn, seen)
        born = r.get("geboortedatum", cells.parse_date)
        if born is not None and (born > today or today.year - born.year < 16):
            r.fail("geboortedatum", _l("a learner must be at least 16 years old"))
        start = r.get("begin_termijn", cells.parse_date)
        end = r.get("eind_termijn", cells.parse_date, optional=True)
        if start and end and end <= start:
            r.fail("eind_termijn", _l("the term must end after it starts"))
        extended = r.get("verlengd_tot", cells.parse_date, optional=True)
        original_end = end or (default_term_end(start) if start else None)
        if extended and original_end and extended <= original_end:
            r.fail("verlengd_tot", _l("an extension must end after the original term"))
        values = dict(
            bsn=bsn, first_name=r.get("voornaam", _name(100)), last_name=r.get("achternaam", _name(100)),
            date_of_birth=born, duo_term_start=start, duo_term_end=end, duo_term_extended_until=extended,
            migrant_type=r.get("migrant_type", _choice(MIGRANT_TYPES, _l("use asiel, gezin or overig"))),
            route=r.get("route", _choice(ROUTES, _l("use B1, B1-Entree, onderwijs or Z"))),
            municipality=r.get("gemeente", _choice(MUNICIPALITIES, _l("not a Dutch municipality"),
                                                              key=lambda v: cells.text(v).lower())),
            postcode=r.get("postcode", cells.parse_postcode), languages=r.get("talen", _languages),
            place=r.get("woonplaats", _name(100), optional=True),
            loan_amount=r.get("lening", _amount("0", "100000")),
        )
        return None if r.errors else LearnerData(**values)  # type: ignore[arg-type]

    return _check(table, LEARNER_COLUMNS, row)


def _learner(r: RowReader, lookups: Lookups) -> int | None:
    bsn = r.get("bsn", cells.parse_bsn)
    if bsn is None:
        return None
    learner_id = lookups.learner_ids.get(bsn)
    if learner_id is None:
        r.fail("bsn", _l("no learner with this BSN"))
    return learner_id


def validate_contracts(table: Table, lookups: Lookups) -> Checked[tuple[int, ContractData]]:
    """Contract rows: a known learner by BSN, a new contract number, the contract form's limits."""
    seen: dict[str, int] = {}

    def row(r: RowReader) -> tuple[int, ContractData] | None:
        learner_id = _learner(r, lookups)
        number = r.get("contractnummer", _name(30))
        if number is not None and number in lookups.contract_numbers:
            r.fail("contractnummer", _l("this contract number is already in use"))
        _once(r, "contractnummer", number, seen)
        start, end = r.get("begindatum", cells.parse_date), r.get("einddatum", cells.parse_date)
        if start and end and end <= start:
            r.fail("einddatum", _l("the contract must end after it starts"))
        data = dict(number=number, start_date=start, end_date=end,
                    purchased_hours=r.get("ingekochte_uren", _hours),
                    hourly_rate=r.get("uurtarief", _amount("0.01", "500")),
                    total_price=r.get("totaalprijs", _amount("0", "100000"), optional=True))
        return None if r.errors else (learner_id, ContractData(**data))  # type: ignore[arg-type,return-value]

    return _check(table, CONTRACT_COLUMNS, row)


def validate_enrolments(table: Table, lookups: Lookups) -> Checked[EnrolmentRow]:
    """Enrolment rows: a known learner by BSN and exactly one class of that name."""
    def row(r: RowReader) -> EnrolmentRow | None:
        learner_id = _learner(r, lookups)
        name = r.get("klas", _name(120))
        class_ids = lookups.class_ids.get(name.lower(), ()) if name else ()
        if name and not class_ids:
            r.fail("klas", _l("no class with this name"))
        elif len(class_ids) > 1:
            r.fail("klas", _l("several classes have this name; rename one first"))
        start = r.get("vanaf", cells.parse_date, optional=True)
        end = r.get("tot", cells.parse_date, optional=True)
        if start and end and end < start:
            r.fail("tot", _l("the enrolment must end on or after it starts"))
        if r.errors or learner_id is None:
            return None
        return EnrolmentRow(learner_id, class_ids[0], start, end)

    return _check(table, ENROLMENT_COLUMNS, row)

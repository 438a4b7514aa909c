"""The columns each import accepts, their Dutch and English header aliases, and the row reader."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from provider_portal.transfer.cells import CellError, text

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One accepted column: its canonical name (shown in messages) and the headers meaning it."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, order=True)
class RowError:
    """A problem at a row (1 is the header row) and column, with the reason."""

    row: int
    column: str
    reason: Any = field(compare=False)

    def __str__(self) -> str:
        return str(_l("row %(row)s, column %(column)s: %(reason)s",
                      row=self.row, column=self.column, reason=self.reason))


LEARNER_COLUMNS = (
    Column("bsn"),
    Column("voornaam", ("first_name", "firstname", "voornamen")),
    Column("achternaam", ("last_name", "lastname", "surname", "familienaam")),
    Column("geboortedatum", ("date_of_birth", "birth_date", "dob")),
    Column("migrant_type", ("migrantentype", "type_migrant", "doelgroep")),
    Column("route", ("leerroute",)),
    Column("gemeente", ("municipality",)),
    Column("postcode", ("postal_code", "zip")),
    Column("woonplaats", ("place", "place_of_residence", "plaats"), required=False),
    Column("talen", ("languages", "taal", "language")),
    Column("begin_termijn", ("duo_term_start", "start_termijn", "termijn_start")),
    Column("eind_termijn", ("duo_term_end", "termijn_eind"), required=False),
    Column("verlengd_tot", ("duo_term_extended_until", "verlenging"), required=False),
    Column("lening", ("loan_amount", "duo_lening", "lening_eur")),
)
CONTRACT_COLUMNS = (
    Column("bsn"),
    Column("contractnummer", ("number", "contract_number", "nummer")),
    Column("begindatum", ("start_date", "start", "startdatum")),
    Column("einddatum", ("end_date", "end", "eind")),
    Column("ingekochte_uren", ("purchased_hours", "uren", "hours")),
    Column("uurtarief", ("hourly_rate", "tarief")),
    Column("totaalprijs", ("total_price", "prijs", "totaal"), required=False),
)
ENROLMENT_COLUMNS = (
    Column("bsn"),
    Column("klas", ("class", "class_name", "groep", "klasnaam")),
    Column("vanaf", ("from_date", "from", "van", "startdatum"), required=False),
    Column("tot", ("to_date", "to", "tot_en_met", "einddatum"), required=False),
)


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[RowError]]:
    """Which file column holds each accepted column; unknown, doubled or missing headers are errors."""
    by_header = {h: c for c in columns for h in c.headers}
    index: dict[str, int] = {}
    errors: list[RowError] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = by_header.get(header)
        if column is None:
            errors.append(RowError(1, header, _l("unknown column")))
        elif column.name in index:
            errors.append(RowError(1, header, _l("this column appears twice")))
        else:
            index[column.name] = position
    errors += [RowError(1, c.name, _l("required column is missing"))
               for c in columns if c.required and c.name not in index]
    return index, errors


class RowReader:
    """Reads one row's cells by canonical column name, collecting every problem instead of stopping."""

    def __init__(self, number: int, cells: Sequence[Any], index: Mapping[str, int]) -> None:
        self.number = number
        self.values = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        self.errors: list[RowError] = []

    def raw(self, name: str) -> str:
        return text(self.values.get(name))

    def get(self, name: str, parse: Callable[[Any], T], optional: bool = False) -> T | None:
        """The parsed cell, or None (with an error unless the cell may be empty)."""
        value = self.values.get(name)
        if text(value) == "":
            if not optional:
                self.fail(name, _l("required"))
            return None
        try:
            return parse(value)
        except CellError as exc:
            self.fail(name, exc.reason)
            return None

    def fail(self, name: str, reason: object) -> None:
        self.errors.append(RowError(self.number, name, reason))

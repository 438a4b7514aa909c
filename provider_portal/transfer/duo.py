"""DUO's monthly contract-data file: rows per contract, the course type rule and the file name. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from provider_portal.models.enums import ClassLevel, Route
from provider_portal.service_errors import DomainError
from provider_portal.transfer.tables import write_csv

# New columns go at the end, so files read by column number keep working.
HEADERS = ("bsn", "cursustype", "begindatum_contract", "einddatum_contract", "ingekochte_uren",
           "gevolgde_uren", "ona_uren")


@dataclass(frozen=True)
class ContractRecord:
    """What the file needs of one contract, its learner and the classes the learner followed in it."""

    contract_number: str
    learner_name: str
    learner_id: int
    bsn: str
    route: str
    class_levels: tuple[str, ...]
    start: date
    end: date
    purchased_hours: int | None
    attended_minutes: int
    ona_minutes: int = 0  # the part of attended_minutes spent in lessons of ONA classes


class DuoFileError(DomainError):
    """Records that cannot be reported; each message names the learner or contract."""

    def __init__(self, problems: list[object]) -> None:
        super().__init__("", "; ".join(str(p) for p in problems))
        self.problems = problems


def course_type(route: str, class_levels: tuple[str, ...]) -> str:
    """alfabetisering for an alfa class; NT2 for the education route or a B2 class; else inburgering."""
    if ClassLevel.ALFA in class_levels:
        return "alfabetisering"
    if route == Route.ONDERWIJS or ClassLevel.B2 in class_levels:
        return "NT2"
    return "inburgering"


def hours(minutes: int) -> str:
    """Minutes as hours with two decimals and a decimal point, rounded half up."""
    return str((Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def problems_of(records: list[ContractRecord]) -> list[object]:
    """A learner without BSN or a contract without purchased hours makes the file invalid."""
    problems: list[object] = []
    for r in records:
        if not r.bsn:
            problems.append(_l("Learner %(name)s (number %(id)s) has no BSN.",
                               name=r.learner_name, id=r.learner_id))
        if not r.purchased_hours or r.purchased_hours <= 0:
            problems.append(_l("Contract %(number)s of %(name)s has no purchased hours.",
                               number=r.contract_number, name=r.learner_name))
    return problems


def duo_csv(records: list[ContractRecord]) -> bytes:
    """The file's bytes: semicolon-separated UTF-8 with a header row; refuses invalid records."""
    problems = problems_of(records)
    if problems:
        raise DuoFileError(problems)
    ordered = sorted(records, key=lambda r: (r.bsn, r.start, r.contract_number))
    return write_csv(HEADERS, ([r.bsn, course_type(r.route, r.class_levels), r.start, r.end,
                                r.purchased_hours, hours(r.attended_minutes), hours(r.ona_minutes)]
                               for r in ordered))


def duo_filename(bow_number: str, day: date) -> str:
    """`<BOW-number>Aanlevering<yyyymmdd>.csv`, as DUO's Bestandsuitwisseling expects."""
    return f"{bow_number}Aanlevering{day:%Y%m%d}.csv"

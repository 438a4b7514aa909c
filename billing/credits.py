"""Which documents take cap room, and in which quarter a credit note frees it: DUO's rule, once.

DUO counts an issued invoice against the cap of its own quarter. A credit note frees that room
in the quarter in which it is *paid* (DUO pays it back then), not in the quarter of the invoice it
corrects, and not at all while it is unpaid. One exception: a credit note that corrects an invoice
DUO *rejected* has nothing to pay back (DUO never paid the invoice), so the two together count for
nothing and the room is free at once, in the rejected invoice's quarter.

The portal loads its issued documents as `IssuedDocument`s and asks `cap_amounts` for what counts
per quarter (the drafts' cap room and the quarter overview) and `frees_room` for what a credit
note's page says; it decides none of this itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from billing.model import QuarterAmount
from billing.quarters import Quarter


@dataclass(frozen=True, slots=True)
class IssuedDocument:
    """An invoice or credit note that has left the building (never a draft); amounts positive.

    `quarter` is the document's own quarter (for a credit note: that of the invoice it corrects);
    `paid_on` is when DUO paid it, `rejected` whether DUO rejected it, `corrects` the id of the
    invoice a credit note corrects.
    """

    id: Hashable
    quarter: Quarter
    cents: int
    credit_note: bool = False
    paid_on: date | None = None
    rejected: bool = False
    corrects: Hashable | None = None


@dataclass(frozen=True, slots=True)
class FreedRoom:
    """Where a credit note frees cap room: the quarter, and whether at once (a rejected invoice)."""

    quarter: Quarter
    at_once: bool


def frees_room(note: IssuedDocument, corrected: IssuedDocument | None) -> FreedRoom | None:
    """The quarter in which `note` frees cap room, or None while that is not known (unpaid).

    `corrected` is the invoice the note corrects, if known.
    """
    if not note.credit_note:
        return None
    if corrected is not None and corrected.rejected and not corrected.credit_note:
        return FreedRoom(corrected.quarter, at_once=True)
    if note.paid_on is not None:
        return FreedRoom(Quarter.of(note.paid_on), at_once=False)
    return None


def cap_amounts(documents: Iterable[IssuedDocument]) -> list[QuarterAmount]:
    """One learner's issued documents as the amounts per quarter that count against the cap.

    Invoices count in their own quarter; a paid credit note counts negatively in the quarter of
    payment; a rejected invoice and the credit note correcting it count for nothing. In quarter
    order, per quarter the invoices' sum and then the paid credit notes' (negative) sum, kept
    apart so that what credit notes freed in a quarter can still be told (`rules.credited_in`).
    """
    docs = list(documents)
    by_id = {doc.id: doc for doc in docs}
    corrected_rejections = {
        doc.corrects for doc in docs
        if doc.credit_note and doc.corrects in by_id and by_id[doc.corrects].rejected
    }
    invoiced: dict[Quarter, int] = defaultdict(int)
    credited: dict[Quarter, int] = defaultdict(int)
    for doc in docs:
        if not doc.credit_note:
            if doc.id not in corrected_rejections:
                invoiced[doc.quarter] += doc.cents
            continue
        freed = frees_room(doc, by_id.get(doc.corrects))
        if freed is not None and not freed.at_once:
            credited[freed.quarter] += doc.cents
    out = [QuarterAmount(q, cents) for q, cents in invoiced.items()]
    out += [QuarterAmount(q, -cents) for q, cents in credited.items()]
    return sorted(out, key=lambda item: (item.quarter, item.amount_cents < 0))

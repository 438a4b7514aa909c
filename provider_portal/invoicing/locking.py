"""Row locks that serialise issuing, crediting and recomputing the same documents.

Every action that changes a draft or issues it first locks the draft rows and re-reads their
status inside the same transaction, so two requests at once (a double click, two workers, the jobs
process) never both act on one draft: the second waits for the first to commit, then finds the
row no longer a draft and is refused (or leaves it alone).

PostgreSQL: `SELECT ... FOR UPDATE`, in id order so two lockers of overlapping sets never
deadlock; under READ COMMITTED a row another transaction was issuing is waited for and then left
out, because it no longer matches `status = 'draft'`. SQLite renders no FOR UPDATE: there a write
(an UPDATE that changes nothing) takes the database's write lock, which serialises every writer
until this transaction ends, and the status is then read under that lock.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col

from provider_portal.db import lock_rows
from provider_portal.models import Invoice
from provider_portal.models.invoicing import InvoiceStatus


def lock_drafts(session: Session, ids: Iterable[int]) -> set[int]:
    """Lock the rows of `ids` that are still drafts until the transaction ends; return their ids."""
    still_draft = col(Invoice.status) == InvoiceStatus.DRAFT
    return lock_rows(session, Invoice, ids, col(Invoice.updated_at), still_draft)

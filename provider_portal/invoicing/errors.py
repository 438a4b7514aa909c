"""Domain errors of invoicing: DomainErrors, so the portal's one handler answers 400 (409 for a
change made meanwhile) with the message, never a 500."""

from __future__ import annotations

from typing import Any, ClassVar

from provider_portal.service_errors import DomainError


class InvoicingError(DomainError):
    """A refused invoicing action; `message` names the record (or row) and says why.

    Messages are gettext'd where they are raised: in a request they read in the reader's language,
    in the jobs process and the command line in English. `field` is "" (the document as a whole)
    unless a form field is at fault.
    """

    def __init__(self, message: Any, field: str = "") -> None:
        super().__init__(field, str(message))
        self.message = str(message)


class InvalidTransition(InvoicingError):
    """The lifecycle does not allow this status change (e.g. paying a draft)."""


class ImmutableDocument(InvoicingError):
    """Something tried to change an issued invoice or credit note."""

    status: ClassVar[int] = 409


class AlreadyIssued(InvalidTransition):
    """The draft was issued already (a second click, or another user at the same moment)."""

    status: ClassVar[int] = 409


class AlreadyCredited(InvalidTransition):
    """The invoice has a credit note already (a second click, or another user at the same moment)."""

    status: ClassVar[int] = 409

"""Domain errors of invoicing; views turn them into a 4xx with the message, never a 500."""

from __future__ import annotations

from typing import Any


class InvoicingError(Exception):
    """A refused invoicing action; `message` names the record (or row) and says why.

    Messages are gettext'd where they are raised: in a request they read in the reader's language,
    in the jobs process and the command line in English.
    """

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


class InvalidTransition(InvoicingError):
    """The lifecycle does not allow this status change (e.g. paying a draft)."""


class ImmutableDocument(InvoicingError):
    """Something tried to change an issued invoice or credit note."""


class AlreadyIssued(InvalidTransition):
    """The draft was issued already (a second click, or another user at the same moment)."""


class AlreadyCredited(InvalidTransition):
    """The invoice has a credit note already (a second click, or another user at the same moment)."""

"""The one base of every refusal a service raises: `DomainError(field, message)`.

One error handler (`errors.register_error_handlers`) turns any DomainError that a view does not
show itself into an answer: the request's transaction is rolled back, HTML gets the form again
with the message at `field` (see `errors.show_refusals_on`) or the error page, JSON gets
`{"error": {"field": ..., "message": ...}}`; the status is 400, or 409 for a `Conflict`.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(ValueError):
    """A change is refused; `field` names the form field, column or row at fault ("" when the record
    as a whole is refused) and `message` says why, in the reader's language (gettext'd, often lazy)."""

    status: ClassVar[int] = 400

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class Conflict(DomainError):
    """Refused because of a change made meanwhile (a second click, another user at the same moment)."""

    status: ClassVar[int] = 409


class AlreadyRecorded(Conflict):
    """The same change is already stored (a form sent twice, or the same entry made meanwhile): the
    page answers 409 and stores nothing a second time."""

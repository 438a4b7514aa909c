"""The one error type services raise for input a form should show next to a field."""

from __future__ import annotations


class FieldError(ValueError):
    """A change is refused; `field` names the form field (or row) and `message` says why."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class AlreadyRecorded(FieldError):
    """The same change is already stored (a form sent twice, or the same entry made meanwhile): the
    page answers 409 and stores nothing a second time."""

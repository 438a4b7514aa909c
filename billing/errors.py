"""Domain errors that name the learner and the field, so a provider can fix their data."""

from __future__ import annotations


class BillingInputError(ValueError):
    """Input the billing rules cannot use; `where` is a field path like `contract.hourly_rate`."""

    def __init__(self, where: str, message: str, learner_id: str | None = None) -> None:
        self.where = where
        self.message = message
        self.learner_id = learner_id
        super().__init__(self._text())

    def _text(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (learner {self.learner_id})" if self.learner_id else text

    def within(self, prefix: str) -> BillingInputError:
        """The same error with `prefix` in front of its path (the parser adds the JSON path)."""
        where = f"{prefix}.{self.where}" if self.where and prefix else (prefix or self.where)
        return BillingInputError(where, self.message, self.learner_id)


class AdvanceBillingError(BillingInputError):
    """A quarter that has not ended was asked for: DUO forbids invoicing lessons in advance."""


class ExportError(ValueError):
    """An export cannot be produced (no issued invoices, a document from another provider...)."""

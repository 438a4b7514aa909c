"""Invoices in the portal: drafts from the billing core, issue, lifecycle, exports and imports."""

from provider_portal.invoicing import immutability as _immutability  # noqa: F401  (registers the guard)

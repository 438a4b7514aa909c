"""The committed billing-input JSON Schema is the one the file model generates."""

from __future__ import annotations

from billing.schema import DOCS, FILE, text


def test_the_committed_billing_schema_equals_the_generated_one():
    assert (DOCS / FILE).read_text(encoding="utf-8") == text()

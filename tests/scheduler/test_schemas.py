"""The committed JSON Schemas are the ones the file models generate (run `python -m scheduler.schemas`)."""

from __future__ import annotations

import pytest

from scheduler.schemas import DOCS, schemas, text


@pytest.mark.parametrize("name", sorted(schemas()))
def test_the_committed_schema_equals_the_generated_one(name):
    assert (DOCS / name).read_text(encoding="utf-8") == text(schemas()[name])

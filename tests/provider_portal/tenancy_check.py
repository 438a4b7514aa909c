"""A fixture proving the narrowed tenant filter is the whole filter, statement by statement.

`tenancy.scoped_statement` attaches only the loader criteria of the entities a statement reads
(the cache key stays small). The fixture wraps it: for every statement a scoped session runs, the
SQL with the narrowed options must equal the SQL with every option of the scope, bound values
included. Test modules that walk pages as each role use it (`pytestmark`), so a statement shape
whose entity the walk misses fails there, not in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql

from provider_portal import tenancy


def sql_of(statement: Any) -> tuple[str, dict[str, Any]]:
    compiled = statement.compile(dialect=postgresql.dialect())
    return str(compiled), dict(compiled.params)


def assert_same_filter(statement: Any, scope: tenancy.TenantScope) -> Any:
    narrowed = tenancy.scoped_statement(statement, scope)
    whole = statement.options(*tenancy._options(scope).values())
    assert sql_of(narrowed) == sql_of(whole), f"the narrowed filter differs for\n{sql_of(whole)[0]}"
    return narrowed


@pytest.fixture()
def full_filter_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every scoped statement of the test is checked; yields the SQL of those checked."""
    checked: list[str] = []
    narrow = tenancy.scoped_statement

    def checking(statement: Any, scope: tenancy.TenantScope) -> Any:
        narrowed = narrow(statement, scope)
        whole = statement.options(*tenancy._options(scope).values())
        sql, whole_sql = sql_of(narrowed), sql_of(whole)
        assert sql == whole_sql, f"the narrowed tenant filter differs from the whole one:\n{whole_sql[0]}"
        checked.append(sql[0])
        return narrowed

    monkeypatch.setattr(tenancy, "scoped_statement", checking)
    yield checked

"""Engine, per-request sessions and the unit of work.

Services and models never commit or roll back: they add, change and flush in the session they are
given. A transaction ends in one place, `unit_of_work` (docs/architecture.md, "Transactions").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import ColumnElement, CursorResult, Engine, Result, event
from sqlalchemy.engine import ExceptionContext
from sqlmodel import Session, create_engine


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys on and a busy timeout for the jobs process.

    `hide_parameters` and `_drop_row_values`: a failed statement's message (and so the error log)
    never holds its values, which include BSNs, names and addresses.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _drop_row_values)
    return engine


def _drop_row_values(context: ExceptionContext) -> None:
    """Keep only PostgreSQL's primary message: its DETAIL line quotes the failing row or key (a BSN)."""
    error = context.original_exception
    diag = getattr(error, "diag", None)
    if diag is None or not diag.message_primary:
        return
    error.args = (diag.message_primary,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:  # its message was copied from the driver's before this hook ran
        kind = type(error)
        wrapped.args = (f"({kind.__module__}.{kind.__name__}) {diag.message_primary}",)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_db(app: Flask) -> None:
    """Bind one engine to the app and close the request's session when the request ends."""
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The app's engine."""
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def unit_of_work(bind: Engine | None = None) -> Iterator[Session]:
    """The one boundary at which a portal transaction ends: commit when the block ends, roll back
    (and re-raise) when it raises.

    Without `bind`, in a request: the request's session (`get_session`), left open for the page
    to render. With `bind` (the command line, the jobs process): a session of its own, closed after.
    A DomainError raised in the block reaches the error handler after the rollback.
    """
    if bind is None:
        yield from _commit_or_roll_back(get_session())
        return
    with Session(bind, expire_on_commit=False) as session:
        yield from _commit_or_roll_back(session)


def _commit_or_roll_back(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT in the caller's transaction: an error in the block undoes the block, not the rest.

    pysqlite opens SQLite's transaction only before a data change, so a SAVEPOINT as a transaction's
    first write would open a transaction of its own, and its RELEASE would commit it; an explicit
    BEGIN first makes the savepoint nest in the caller's transaction as it does on PostgreSQL.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through `Session.execute` matched: a conditional
    update's answer to "was it still as I saw it?" (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount


IN_LIST_CHUNK = 5000  # ids per IN list: long lists are sent in parts


def in_chunks(ids: list[int], size: int = IN_LIST_CHUNK) -> list[list[int]]:
    """`ids` in parts of at most `size`, for statements with an IN list."""
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def lock_rows(session: Session, model: Any, ids: Iterable[int], touch: Any,
              *where: ColumnElement[bool]) -> set[int]:
    """Hold the rows of `model` with `ids` (and `where`) until the caller's unit of work ends; return
    the ids of those held.

    PostgreSQL: `SELECT ... FOR UPDATE` in id order, in chunks, so two lockers of overlapping sets
    never deadlock; under READ COMMITTED a row another transaction changed is waited for and then
    re-checked against `where`. SQLite renders no FOR UPDATE: a write that changes nothing (`touch`,
    a column set to itself) takes the database's write lock, which serialises every writer until
    this transaction ends, and the rows are then read under that lock.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    id_column = model.id
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.update(model).where(id_column == wanted[0]).values({touch: touch})
                        .execution_options(synchronize_session=False))
    held: set[int] = set()
    for chunk in in_chunks(wanted):
        held.update(session.execute(sa.select(id_column).where(id_column.in_(chunk), *where)
                                    .order_by(id_column).with_for_update()).scalars())
    return held

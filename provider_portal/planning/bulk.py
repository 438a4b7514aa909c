"""Publishing a run's plan in bulk: a few statements instead of one ORM object per row.

A run publishes thousands of placements or bookings (3,000 learners: 4-6 s as ORM objects, issue 17).
Tenancy holds as it did: the current rows are read through the tenant filter (plain columns), and
only the rows read are deleted or changed; the writes pass `tenancy.check_bulk_write`, the flush
guard's rule for rows that no flush sees. Pinned rows stay, whatever the run says.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from provider_portal.db import in_chunks
from provider_portal.tenancy import check_bulk_write


def replace_unpinned(session: Session, model: Any, key: Any, learner_ids: list[int],
                     rows: list[dict[str, Any]]) -> int:
    """Delete the learners' unpinned `model` rows and insert `rows` (dicts of columns, keyed by
    learner_id and `key`'s name) except where a pinned row holds the same key; returns how many
    were inserted."""
    check_bulk_write(session, model)
    seen: dict[tuple[int, str], bool] = {}
    for chunk in in_chunks(sorted(set(learner_ids))):
        for learner_id, k, pinned in session.execute(
            sa.select(model.learner_id, key, model.pinned).where(model.learner_id.in_(chunk))
        ):
            seen[(learner_id, k)] = bool(pinned)
    unpinned: dict[str, list[int]] = defaultdict(list)
    for (learner_id, k), pinned in seen.items():
        if not pinned:
            unpinned[k].append(learner_id)
    for k, ids in sorted(unpinned.items()):  # only the rows read through the tenant filter
        for chunk in in_chunks(sorted(ids)):
            unpinned_rows = sa.and_(key == k, model.learner_id.in_(chunk), model.pinned.is_(False))
            session.execute(sa.delete(model).where(unpinned_rows).execution_options(synchronize_session=False))
    fresh = [row for row in rows if not seen.get((row["learner_id"], row[key.key]), False)]
    if fresh:
        session.execute(sa.insert(model), fresh)
    _forget(session, model)
    return len(fresh)


def mark_statuses(session: Session, model: type[SQLModel], key: Any, learner_ids: list[int],
                  done: set[tuple[int, str]], waiting: str, planned: str) -> None:
    """The learners' `waiting` rows whose key is in `done` become `planned`; `planned` ones whose
    key is not in `done` become `waiting` again (one UPDATE per key value and direction)."""
    check_bulk_write(session, model)
    status = model.status  # type: ignore[attr-defined]
    learner = model.learner_id  # type: ignore[attr-defined]
    change: dict[tuple[str, str], list[int]] = defaultdict(list)
    for chunk in in_chunks(sorted(set(learner_ids))):
        for learner_id, k, now in session.execute(sa.select(learner, key, status).where(learner.in_(chunk))):
            if now == waiting and (learner_id, k) in done:
                change[(k, planned)].append(learner_id)
            elif now == planned and (learner_id, k) not in done:
                change[(k, waiting)].append(learner_id)
    for (k, new), ids in sorted(change.items()):
        old = waiting if new == planned else planned
        for chunk in in_chunks(sorted(ids)):
            session.execute(sa.update(model).where(key == k, learner.in_(chunk), status == old)
                            .values(status=new).execution_options(synchronize_session=False))
    if change:
        _forget(session, model)


def _forget(session: Session, model: Any) -> None:
    """Objects of `model` loaded earlier in this session no longer match the rows: drop them (the
    next read loads the rows as they are now)."""
    for obj in [o for o in session.identity_map.values() if isinstance(o, model)]:
        session.expunge(obj)

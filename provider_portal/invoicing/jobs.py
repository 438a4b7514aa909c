"""The quarterly draft run as a background job ("invoicing.quarter_drafts").

Scheduled on the first day of each quarter (06:00 Europe/Amsterdam) for the previous quarter and
every provider, with a dedupe key per quarter so it is queued once however many jobs processes
run; finance users may start it for one quarter of their own provider from the portal. A failing
provider is logged and named in the job's error; the others' drafts are kept.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.db import unit_of_work
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.jobs.context import JobContext
from provider_portal.jobs.queue import enqueue
from provider_portal.jobs.registry import job_handler
from provider_portal.models import Job, Provider

log = logging.getLogger(__name__)
KIND = "invoicing.quarter_drafts"


class DraftRunFailed(RuntimeError):
    """One or more providers' drafts could not be made (the others were)."""


def dedupe_key(quarter: Quarter, provider_id: int | None = None) -> str:
    """Once per quarter for the scheduled run (all providers)."""
    return f"{KIND}:{quarter}" + (f":{provider_id}" if provider_id else "")


def previous_quarter(today: date) -> Quarter:
    """The quarter before the one `today` lies in: what the scheduled run bills."""
    return Quarter.of(today).prev()


def enqueue_quarter_drafts(
    session: Session,
    quarter: Quarter,
    *,
    provider_id: int | None = None,
    created_by_id: int | None = None,
    dedupe: bool = True,
) -> Job:
    """Queue the draft run of `quarter` (one provider, or all when `provider_id` is None).

    The scheduled run is deduplicated for good (`dedupe`); a run asked for by hand may be repeated
    later, but only one per provider and quarter is queued or running at a time: a double click
    raises AlreadyActive with the job the first click queued (the partial unique index decides).
    """
    return enqueue(
        session,
        KIND,
        params={"quarter": str(quarter)},
        provider_id=provider_id,
        created_by_id=created_by_id,
        dedupe_key=dedupe_key(quarter, provider_id) if dedupe else None,
        active_key=None if dedupe else dedupe_key(quarter, provider_id),
    )


@job_handler(KIND, retry=True)
def quarter_drafts(ctx: JobContext) -> dict[str, Any]:
    """Make the drafts of `params.quarter` for the job's provider, or for every provider."""
    quarter = Quarter.parse(ctx.params["quarter"])
    today = clock.today()
    with ctx.session() as session:
        stmt = sa.select(Provider).order_by(col(Provider.id))
        if ctx.provider_id is not None:
            stmt = stmt.where(col(Provider.id) == ctx.provider_id)
        providers = list(session.execute(stmt).scalars())
    runs, failures = {}, []
    for done, provider in enumerate(providers):
        ctx.check_cancelled()
        ctx.progress(int(100 * done / max(1, len(providers))), f"{provider.name}: {quarter}")
        try:
            with unit_of_work(ctx.engine) as session:
                runs[str(provider.id)] = make_drafts(session, provider, quarter, today).as_dict()
        except Exception as exc:  # one provider's failure must not stop the others
            log.exception("draft run %s failed for provider %s", quarter, provider.id)
            failures.append(f"{provider.name} (provider {provider.id}): {type(exc).__name__}: {exc}")
    if failures:
        raise DraftRunFailed("; ".join(failures))
    return {"quarter": str(quarter), "providers": runs}

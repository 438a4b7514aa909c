"""Importing this module registers every job kind's handler (add new handler modules here)."""

from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs import housekeeping
from provider_portal.mail import runs as mail_runs
from provider_portal.planning import runs as planning_runs
from provider_portal.transfer import background as transfer_background

KINDS = (housekeeping.KIND, planning_runs.KIND, invoicing_jobs.KIND, transfer_background.KIND, mail_runs.KIND)

"""Importing this module registers every job kind's handler (add new handler modules here)."""

from provider_portal.jobs import housekeeping

KINDS = (housekeeping.KIND,)

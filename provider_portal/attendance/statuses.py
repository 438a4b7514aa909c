"""How attendance statuses read on screen."""

from __future__ import annotations

from provider_portal import labels

STATUS_LABELS = labels.ATTENDANCE_STATUS

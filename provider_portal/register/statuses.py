"""How attendance statuses read on screen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from provider_portal.models.enums import AttendanceStatus

STATUS_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.LEFT_EARLY: _l("Left early"),
    AttendanceStatus.ABSENT_NOTICE: _l("Absent with notice"),
    AttendanceStatus.ABSENT: _l("Absent without notice"),
}

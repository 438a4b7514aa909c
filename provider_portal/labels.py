"""How stored codes read on screen: one mapping per vocabulary, used by forms and by the `label` filter.

Templates never print a status, kind or code as stored: `{{ invoice.status|label('invoice_status') }}`.
A value the vocabulary does not know is shown as it is (free text such as a change's reason).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l

from billing.result import LineKind
from provider_portal.i18n import number
from provider_portal.models.enums import (
    AttendanceStatus,
    ContractStatus,
    ExamStatus,
    JobStatus,
    KeurmerkStatus,
    MigrantType,
    ModuleStatus,
    Role,
    Route,
)
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus

ROUTE = {
    Route.B1: _l("B1 route"),
    Route.B1_ENTREE: _l("B1 Entree route"),
    Route.ONDERWIJS: _l("Education route"),
    Route.Z: _l("Self-reliance route (Z)"),
}
MIGRANT_TYPE = {
    MigrantType.ASIEL: _l("Asylum status holder"),
    MigrantType.GEZIN: _l("Family migrant"),
    MigrantType.OVERIG: _l("Other"),
}
ROLE = {
    Role.PROVIDER_ADMIN: _l("Provider administrator"),
    Role.TEACHER: _l("Teacher"),
    Role.FINANCE: _l("Finance"),
    Role.PLANNER: _l("Planner"),
    Role.PLATFORM_ADMIN: _l("Platform administrator"),
    Role.LEARNER: _l("Learner"),
}
KEURMERK = {
    KeurmerkStatus.KEURMERK: _l("Keurmerk Inburgeren"),
    KeurmerkStatus.ASPIRANT: _l("Aspirant Keurmerk"),
    KeurmerkStatus.SUSPENDED: _l("Suspended"),
    KeurmerkStatus.NONE: _l("No Keurmerk"),
}
ATTENDANCE_STATUS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.LEFT_EARLY: _l("Left early"),
    AttendanceStatus.ABSENT_NOTICE: _l("Absent with notice"),
    AttendanceStatus.ABSENT: _l("Absent without notice"),
}
# One letter per status in the attendance grid, always beside a legend and an accessible label.
ATTENDANCE_LETTER = {
    AttendanceStatus.PRESENT: lazy_pgettext("attendance letter", "P"),
    AttendanceStatus.LATE: lazy_pgettext("attendance letter", "L"),
    AttendanceStatus.LEFT_EARLY: lazy_pgettext("attendance letter", "E"),
    AttendanceStatus.ABSENT_NOTICE: lazy_pgettext("attendance letter", "N"),
    AttendanceStatus.ABSENT: lazy_pgettext("attendance letter", "A"),
    "unmarked": "?",
    "not_enrolled": "–",
    "not_held": "",
}
# Grid cells that hold no status (attendance.report).
GRID_STATE = {
    "unmarked": _l("Held, not marked"),
    "not_enrolled": _l("Not in the class on this day"),
    "not_held": _l("Not held yet"),
}
MODULE_STATUS = {
    ModuleStatus.REQUIRED: _l("Required"),
    ModuleStatus.EXEMPT: _l("Exempt"),
    ModuleStatus.PLANNED: _l("Planned"),
    ModuleStatus.DONE: _l("Done"),
}
EXAM_STATUS = {
    ExamStatus.OPEN: _l("Open"),
    ExamStatus.PLANNED: _l("Planned"),
    ExamStatus.PASSED: _l("Passed"),
    ExamStatus.EXEMPT: _l("Exempt"),
}
CONTRACT_STATUS = {
    ContractStatus.ACTIVE: _l("Active"),
    ContractStatus.TERMINATED: _l("Terminated"),
    ContractStatus.COMPLETED: _l("Completed"),
}
INVOICE_STATUS = {
    InvoiceStatus.DRAFT: _l("Draft"),
    InvoiceStatus.ISSUED: _l("Issued"),
    InvoiceStatus.SUBMITTED: _l("Submitted to DUO"),
    InvoiceStatus.ACCEPTED: _l("Accepted by the learner"),
    InvoiceStatus.REJECTED: _l("Rejected"),
    InvoiceStatus.PAID: _l("Paid"),
}
DOCUMENT_KIND = {DocumentKind.INVOICE: _l("Invoice"), DocumentKind.CREDIT_NOTE: _l("Credit note")}
LINE_KIND = {
    LineKind.DELIVERED: _l("Delivered this quarter"),
    LineKind.CARRIED_OVER: _l("Carried over from an earlier quarter"),
    LineKind.RELEASED_AFTER_EXAM: _l("Released after the exam"),
    LineKind.HELD_BACK_BY_CAP: _l("Held back by the quarterly cap"),
    LineKind.HELD_BACK_BY_LOAN: _l("Held back by the loan"),
    LineKind.HELD_BACK_DEADLINE: _l("Held back until the deadline"),
    LineKind.NO_KEURMERK: _l("Not billable: no valid Keurmerk"),
    LineKind.AFTER_TERMINATION: _l("Not billable: after the contract ended"),
    LineKind.ABOVE_CONTRACT: _l("Not billable: above the contract price"),
}
JOB_STATUS = {
    JobStatus.QUEUED: _l("Queued"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.SUCCEEDED: _l("Succeeded"),
    JobStatus.FAILED: _l("Failed"),
    JobStatus.CANCELLED: _l("Cancelled"),
}
JOB_KIND = {
    "housekeeping": _l("Housekeeping"),
    "planning.run": _l("Solver run"),
    "invoicing.quarter_drafts": _l("Quarterly invoice drafts"),
    "mail.run": _l("E-mail of a run's letters and lists"),
}
SOLVER_STATUS = {
    "optimal": _l("optimal"),
    "feasible": _l("feasible"),
    "infeasible": _l("infeasible"),
    "cancelled": _l("cancelled"),
}
# Keys of job results (jobs/detail.html shows them as a list).
RESULT_KEY = {
    "status": _l("Status"),
    "placed": _l("placed"),
    "unplaced": _l("unplaced"),
    "objective": _l("Objective"),
    "bound": _l("Bound"),
    "gap": _l("Gap"),
    "seconds": _l("Seconds"),
    "first_solution_seconds": _l("Seconds to the first solution"),
    "fees_eur": _l("Exam fees (EUR)"),
    "greedy_placed": _l("Placed by the greedy start"),
    "cancelled": _l("Cancelled"),
    "quarter": _l("Quarter"),
    "providers": _l("Providers"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "removed": _l("Removed"),
    "already_issued": _l("Already issued"),
    "total_cents": _l("Total (cents)"),
    "problems": _l("Problems"),
    "deleted": _l("Deleted"),
    "retention_days": _l("Retention (days)"),
    "sessions_deleted": _l("Ended log-ins deleted"),
    "session_retention_days": _l("Log-in retention (days)"),
    "sent": _l("Sent"),
    "failed": _l("Not sent: failed"),
    "no_address": _l("Not sent: no address"),
    "already_sent": _l("Sent before"),
    "interrupted": _l("Interrupted"),
    "phases": _l("Seconds per step"),
    "load": _l("Reading the problem"),
    "solve": _l("Solving"),
    "store": _l("Storing the result"),
}
EXAM_COMPONENT = {
    "lezen": _l("Reading (lezen)"),
    "luisteren": _l("Listening (luisteren)"),
    "schrijven": _l("Writing (schrijven)"),
    "spreken": _l("Speaking (spreken)"),
    "KNM": _l("Knowledge of Dutch society (KNM)"),
    "ONA": _l("Orientation on the Dutch labour market (ONA)"),
}
OBLIGATION_GROUND = {
    "exam": _l("All exam components passed"),
    "z_route": _l("Z-route: final interview and certificate"),
    "exemption": _l("Exemption granted by DUO"),
    "decision": _l("Decision (see the reason)"),
}
PATH_CHANGE = {
    "readiness": _l("Exam readiness"),
    "result": _l("Exam result"),
    "obligation": _l("Obligation met"),
    "external_hours": _l("Hours at another provider"),
}
FACILITY = {"accessible": _l("Wheelchair accessible"), "extra_time": _l("Extra time")}
CHANGE_REASON = {
    "self-confirmed": _l("Confirmed by the learner with the presence code"),
    "wrong-presence-code": _l("Wrong presence code typed by the learner; nothing changed"),
}
DAY_PART = {
    "mon:morning": _l("Monday morning"),
    "mon:afternoon": _l("Monday afternoon"),
    "mon:evening": _l("Monday evening"),
    "tue:morning": _l("Tuesday morning"),
    "tue:afternoon": _l("Tuesday afternoon"),
    "tue:evening": _l("Tuesday evening"),
    "wed:morning": _l("Wednesday morning"),
    "wed:afternoon": _l("Wednesday afternoon"),
    "wed:evening": _l("Wednesday evening"),
    "thu:morning": _l("Thursday morning"),
    "thu:afternoon": _l("Thursday afternoon"),
    "thu:evening": _l("Thursday evening"),
    "fri:morning": _l("Friday morning"),
    "fri:afternoon": _l("Friday afternoon"),
    "fri:evening": _l("Friday evening"),
    "sat:morning": _l("Saturday morning"),
    "sat:afternoon": _l("Saturday afternoon"),
    "sat:evening": _l("Saturday evening"),
    "sun:morning": _l("Sunday morning"),
    "sun:afternoon": _l("Sunday afternoon"),
    "sun:evening": _l("Sunday evening"),
}

# security_event.kind (auth.two_factor)
SECURITY_EVENT = {
    "two_factor_enabled": _l("Two-factor log-in turned on"),
    "two_factor_disabled": _l("Two-factor log-in turned off"),
    "two_factor_reset": _l("Two-factor log-in reset by a platform administrator"),
    "recovery_code_used": _l("Recovery code used to log in"),
    "provider_onboarded": _l("Provider and its first administrator created by a platform administrator"),
}

# run_mail (mail/runs.py): what a run e-mailed, to whom, and how it went
MAIL_STATUS = {
    "pending": _l("Waiting"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed; sent again with the next send"),
    "no_address": _l("Not sent: no address"),
    "interrupted": _l("Interrupted while sending: it may have arrived; not sent again by itself"),
}
MAIL_KIND = {"learner_letter": _l("Invitation letter"), "trainer_list": _l("Participant list")}
# the code before the colon of run_mail.error (mail/smtp.py); the server's own words follow it
MAIL_ERROR = {
    "unreachable": _l("The mail server could not be reached"),
    "login": _l("The mail server refused the log-in"),
    "refused": _l("The mail server refused the address"),
    "rejected": _l("The mail server refused the message"),
    "interrupted": _l("The jobs process stopped while this message was being sent"),
}

CONSENT_ACTION = {
    "given": _l("Consent given"),
    "changed": _l("Scope changed"),
    "withdrawn": _l("Consent withdrawn"),
}

VOCABULARIES: dict[str, dict[Any, Any]] = {
    "route": ROUTE,
    "migrant_type": MIGRANT_TYPE,
    "role": ROLE,
    "keurmerk": KEURMERK,
    "attendance_status": ATTENDANCE_STATUS,
    "attendance_letter": ATTENDANCE_LETTER,
    "grid_state": {**ATTENDANCE_STATUS, **GRID_STATE},
    "module_status": MODULE_STATUS,
    "exam_status": EXAM_STATUS,
    "contract_status": CONTRACT_STATUS,
    "invoice_status": INVOICE_STATUS,
    "document_kind": DOCUMENT_KIND,
    "line_kind": LINE_KIND,
    "job_status": JOB_STATUS,
    "job_kind": JOB_KIND,
    "solver_status": SOLVER_STATUS,
    "result_key": RESULT_KEY,
    "change_reason": CHANGE_REASON,
    "facility": FACILITY,
    "day_part": DAY_PART,
    "security_event": SECURITY_EVENT,
    "consent_action": CONSENT_ACTION,
    "mail_status": MAIL_STATUS,
    "mail_kind": MAIL_KIND,
    # the exam solver's ids are lower case ("knm", "ona"; exams/problem.py TO_CORE): the same words
    "exam_component": {**EXAM_COMPONENT, "knm": EXAM_COMPONENT["KNM"], "ona": EXAM_COMPONENT["ONA"]},
    "obligation_ground": OBLIGATION_GROUND,
    "path_change": PATH_CHANGE,
}


def label(value: Any, vocabulary: str) -> Any:
    """The reader's word for a stored code of `vocabulary` (the value itself when unknown)."""
    if value is None:
        return ""
    return VOCABULARIES[vocabulary].get(value, value)


SOLVER_PROGRESS = re.compile(r"best (?P<best>-?\d+|–), gap (?P<gap>\d+\.\d+|–)%?")
IMPORT_PROGRESS = re.compile(r"rows (?P<done>\d+) of (?P<total>\d+)")  # transfer/background.py
MAIL_PROGRESS = re.compile(r"mail (?P<done>\d+) of (?P<total>\d+)")  # mail/runs.py


def mail_error(error: str | None) -> str:
    """A run_mail error in words: the reader's sentence for its code, then the server's own reply."""
    if not error:
        return ""
    code, _sep, detail = error.partition(": ")
    if code not in MAIL_ERROR:
        return error
    if code == "interrupted":
        return str(MAIL_ERROR[code])
    return f"{MAIL_ERROR[code]}: {detail}" if detail else str(MAIL_ERROR[code])


def job_message(message: str | None) -> str:
    """A job's progress message in the reader's language; the solver's "best 123, gap 0.52%" is worded
    and formatted here, other messages (a provider and a quarter) are shown as they are."""
    if sent := MAIL_PROGRESS.fullmatch(message or ""):
        return gettext("%(done)s of %(total)s messages", done=number(int(sent["done"]), 0),
                       total=number(int(sent["total"]), 0))
    if rows := IMPORT_PROGRESS.fullmatch(message or ""):
        return gettext("%(done)s of %(total)s rows", done=number(int(rows["done"]), 0),
                       total=number(int(rows["total"]), 0))
    match = SOLVER_PROGRESS.fullmatch(message or "")
    if not match:
        return message or ""
    best, gap = match["best"], match["gap"]
    return gettext("best %(best)s, gap %(gap)s", best=best if best == "–" else number(int(best), 0),
                   gap=gap if gap == "–" else f"{number(Decimal(gap), 2)} %")


def register_labels(app: Flask) -> None:
    """The `label`, `language`, `job_message` and `core_reason` template filters."""
    from provider_portal.invoicing.core_messages import reason
    from provider_portal.solver_reasons import language_name

    app.jinja_env.filters.update(label=label, language=language_name, job_message=job_message,
                                 core_reason=reason, mail_error=mail_error)

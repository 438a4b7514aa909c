"""Stored codes and the cores' English reasons read in the reader's language (issue 11)."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask_babel import lazy_gettext as _l

from billing.duo_import import parse_result_file, parse_status_file
from billing.result import LineKind
from provider_portal.invoicing.core_messages import reason, row_error
from provider_portal.labels import VOCABULARIES, job_message
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

BSN = "111222333"
STATUS_FILE = (
    "factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n"
    f";{BSN};BETAALD;2026-05-01;10.00;\n"  # empty number
    "2026-00001;123456789;BETAALD;2026-05-01;10.00;\n"  # bad BSN
    f"2026-00001;{BSN};VERLOREN;2026-05-01;;\n"  # unknown status
    f"2026-00001;{BSN};BETAALD;gisteren;10.00;\n"  # not a date
    f"2026-00001;{BSN};BETAALD;2026-05-01;tien;\n"  # not an amount
    f"2026-00001;{BSN};BETAALD;2026-05-01;10.001;\n"  # three decimals
    f"2026-00001;{BSN};AFGEWEZEN;2026-05-01;;\n"  # rejected without a reason
    "2026-00001;too;few\n"
)
RESULT_FILE = (
    "factuurnummer;bsn;resultaat;foutcode;foutomschrijving\n"
    f"2026-00001;{BSN};MISSCHIEN;;\n"  # neither OK nor FOUT
    f"2026-00001;{BSN};FOUT;;\n"  # FOUT without a code
)


def test_every_reason_the_duo_file_parser_gives_reads_in_dutch(app: Flask) -> None:
    errors = [*parse_status_file(STATUS_FILE).errors, *parse_result_file(RESULT_FILE).errors,
              *parse_status_file("bsn\n").errors, *parse_status_file(b"\xff\xfe\x00").errors]
    assert len(errors) >= 12
    with app.test_request_context():  # a Dutch session
        for error in errors:
            assert error.reason not in row_error(error), f"no Dutch for the core's {error.reason!r}"
        assert row_error(errors[1]) == "rij 3, kolom bsn: is geen geldig BSN"
        assert row_error(errors[3]) == (
            "rij 5, kolom statusdatum: 'gisteren' is geen datum (JJJJ-MM-DD)"
        )


def test_an_unknown_reason_is_shown_as_the_core_wrote_it(app: Flask) -> None:
    with app.test_request_context():
        assert reason("something new") == "something new"


def test_outside_a_request_texts_read_in_english_instead_of_failing(app: Flask) -> None:
    with app.app_context():  # the command line and the jobs process
        assert str(_l("Paid")) == "Paid"


@pytest.mark.parametrize(
    ("value", "vocabulary", "dutch"),
    [
        (InvoiceStatus.ISSUED, "invoice_status", "Uitgereikt"),
        (DocumentKind.CREDIT_NOTE, "document_kind", "Creditnota"),
        (ModuleStatus.PLANNED, "module_status", "Gepland"),
        (JobStatus.SUCCEEDED, "job_status", "Gelukt"),
        ("mon:morning", "day_part", "maandagochtend"),
        ("self-confirmed", "change_reason", "Bevestigd door de cursist met de aanwezigheidscode"),
        ("Vrije tekst", "change_reason", "Vrije tekst"),
    ],
)
def test_the_label_filter_shows_a_code_in_dutch(app: Flask, value: str, vocabulary: str, dutch: str) -> None:
    with app.test_request_context():
        assert render_template_string("{{ v|label(k) }}", v=value, k=vocabulary) == dutch


def test_every_value_of_every_labelled_enum_has_a_label() -> None:
    for enum, vocabulary in (
        (InvoiceStatus, "invoice_status"), (DocumentKind, "document_kind"), (LineKind, "line_kind"),
        (ModuleStatus, "module_status"), (ExamStatus, "exam_status"), (JobStatus, "job_status"),
        (ContractStatus, "contract_status"), (AttendanceStatus, "attendance_status"), (Role, "role"),
        (Route, "route"), (MigrantType, "migrant_type"), (KeurmerkStatus, "keurmerk"),
    ):
        assert set(enum) <= set(VOCABULARIES[vocabulary]), vocabulary


def test_a_solver_runs_progress_is_worded_and_formatted_in_dutch(app: Flask) -> None:
    with app.test_request_context():
        assert job_message("best 323299, gap 0.52%") == "beste 323.299, afstand tot de grens 0,52 %"
        assert job_message("best –, gap –") == "beste –, afstand tot de grens –"
        assert job_message("Taalhuis Utrecht: 2026-Q1") == "Taalhuis Utrecht: 2026-Q1"


@pytest.mark.parametrize(
    ("core", "dutch"),
    [
        ("obligation met on 2026-03-02: the last invoice must reach DUO by 2026-09-02",
         "inburgeringsplicht voldaan op 2 mrt 2026: de laatste factuur moet uiterlijk 2 sep 2026 bij DUO "
         "zijn"),
        ("invoiced 2500 cents more than delivered; a credit note is needed",
         "€ 25,00 meer gefactureerd dan geleverd; een creditnota is nodig"),
        ("other providers invoiced EUR 400.00 for this learner in 2026-Q1; that counts towards the cap "
         "of EUR 1250.00",
         "andere taalaanbieders factureerden € 400,00 voor deze cursist in 2026-Q1; dat telt mee voor het "
         "maximum van € 1.250,00"),
    ],
)
def test_a_quarters_flags_read_in_dutch_with_dutch_dates_and_amounts(
    app: Flask, core: str, dutch: str
) -> None:
    with app.test_request_context():
        assert reason(core).replace("\xa0", " ") == dutch


def test_every_kind_of_flag_the_core_writes_has_a_dutch_text(app: Flask) -> None:
    flags = (
        "obligation met on 2026-03-02: the last invoice must reach DUO by 2026-09-02",
        "the provider has no valid Keurmerk; DUO pays only Keurmerk holders",
        "Keurmerk not valid since 2026-01-01: invoices for earlier lessons must reach DUO by 2026-05-01",
        "invoiced 1 cents more than delivered; a credit note is needed",
        "credit notes paid in 2026-Q2 freed EUR 250.00 of cap room in 2026-Q2",
        "other providers invoiced EUR 1.00 for this learner in 2026-Q1; that counts towards the cap of "
        "EUR 1250.00",
    )
    with app.test_request_context():
        assert all(reason(flag) != flag for flag in flags)


def test_the_exam_solvers_component_ids_read_as_the_portals_words(app: Flask) -> None:
    """An exam run's review and rosters show the solver's ids ("knm"): in words, like "KNM"."""
    from provider_portal.exams.problem import TO_CORE

    with app.test_request_context():
        for portal, core in TO_CORE.items():
            rendered = render_template_string("{{ c|label('exam_component') }}", c=core)
            assert rendered == render_template_string("{{ c|label('exam_component') }}", c=portal)
            assert rendered != core or core == portal

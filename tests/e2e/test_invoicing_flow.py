"""In the browser: finance reviews a draft, issues it, and downloads its UBL, PDF, DUO file and XLSX."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import expect
from sqlmodel import Session

from provider_portal.models import Provider, User
from provider_portal.models.enums import Role
from tests.billing.einvoice_rules import fatal
from tests.e2e.helpers import download, log_in
from tests.factories import (
    make_user,
)
from tests.invoicing_factories import drafted_q1


def _drafts_of_q1(db: Session, frozen_now) -> tuple[Provider, User]:
    """A provider with Amina's attended Q1 drafted on 2 April 2026, and its finance clerk."""
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider, _, _ = drafted_q1(db)
    finance = make_user(db, provider, role=Role.FINANCE)
    return provider, finance


def test_finance_issues_an_invoice_and_downloads_its_exports(page, db: Session, frozen_now) -> None:
    provider, finance = _drafts_of_q1(db, frozen_now)

    log_in(page, finance.email)
    page.locator("#nav-invoicing").click()
    page.goto("/invoicing/?quarter=2026-Q1")
    assert page.locator("#quarter-overview").count() == 1 and page.locator("#quarter-chart").count() == 1
    name, content = download(page, page.locator("#xlsx-link"))
    assert name.endswith("2026-Q1.xlsx") and content[:2] == b"PK"

    page.locator("#invoices-link").click()
    page.locator("a.invoice-link").first.click()
    page.locator("#issue-form button").click()
    assert "krijgt het volgende factuurnummer" in page.locator("#confirm-what").inner_text()  # asks first
    page.get_by_role("button", name="Ja, factuur uitreiken").click()
    assert page.locator("#invoice-title").inner_text().endswith("2026-00001")
    assert page.locator("#invoice-status").inner_text() == "Uitgereikt"  # the status in Dutch, not its code

    name, content = download(page, page.locator("#ubl-link"))
    assert name == "2026-00001.xml" and b"<cbc:ID>2026-00001</cbc:ID>" in content
    assert fatal(content) == []  # the official EN 16931 and Peppol BIS 3.0 rules
    assert b'unitCode="HUR"' in content  # attended hours x the hourly rate
    name, content = download(page, page.locator("#pdf-link"))
    assert name == "2026-00001.pdf" and content.startswith(b"%PDF")

    page.goto("/invoicing/invoices?quarter=2026-Q1")
    name, content = download(page, page.locator("#duo-export button"))
    assert name == f"{provider.bow_number}Facturen20260402-001.csv"
    assert b"2026-00001" in content and b"FACTUUR" in content


def test_finance_credits_an_invoice_through_the_labelled_reason_field(page, db: Session, frozen_now) -> None:
    """The status form and the credit form each have a reason; the credit label must reach its own."""
    _, finance = _drafts_of_q1(db, frozen_now)

    log_in(page, finance.email)
    page.goto("/invoicing/invoices?quarter=2026-Q1")
    page.locator("a.invoice-link").first.click()
    page.locator("#issue-form button").click()
    page.get_by_role("button", name="Ja, factuur uitreiken").click()
    page.get_by_label("Reden voor de creditnota").fill("Uren dubbel gefactureerd")
    page.get_by_role("button", name="Creditnota uitreiken").click()
    assert "Reden: Uren dubbel gefactureerd" in page.locator("#confirm-step").inner_text()
    page.get_by_role("button", name="Ja, creditnota uitreiken").click()
    assert page.locator("#invoice-title").inner_text().startswith("Creditnota")
    assert page.locator("#invoice-title").inner_text().endswith("C2026-00001")


def test_issue_all_asks_first_with_the_real_count_and_cancel_issues_nothing(
    page, db: Session, frozen_now
) -> None:
    _, finance = _drafts_of_q1(db, frozen_now)

    log_in(page, finance.email)
    page.goto("/invoicing/invoices?quarter=2026-Q1")
    page.locator("#issue-all button").click()
    what = page.locator("#confirm-what").inner_text()
    assert what == "1 factuur krijgt een nummer; dit kan niet ongedaan worden gemaakt."
    page.get_by_role("link", name="Annuleren").click()
    assert "Concept" in page.locator("#invoice-list").inner_text()  # still a draft: nothing issued

    page.locator("#issue-all button").click()
    page.get_by_role("button", name="Ja, 1 factuur uitreiken").click()
    expect(page.locator("body")).to_contain_text("1 facturen zijn uitgereikt.")
    assert "2026-00001" in page.locator("#invoice-list").inner_text()

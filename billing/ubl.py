"""UBL 2.1 invoices and credit notes per Peppol BIS Billing 3.0 (EN 16931), VAT-exempt education."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from billing.documents import CreditNote, Document, Invoice, InvoiceLine, Party
from billing.errors import BillingInputError
from billing.money import format_cents

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
EXEMPTION_CODE = "VATEX-EU-132-1I"  # VAT directive art. 132(1)(i): education
EXEMPTION_REASON = "Vrijgesteld van btw: onderwijs (art. 11, lid 1, onderdeel o, Wet OB 1968)"
SEPA_CREDIT_TRANSFER = "58"
HOUR, ONE = "HUR", "C62"  # UN/ECE Rec 20 units: hour, one (unit)

for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def ubl_xml(doc: Document) -> bytes:
    """The document as UBL 2.1 XML (UTF-8): an Invoice (380) or a CreditNote (381).

    Refused without the seller's VAT identifier: every line is VAT-exempt (category E), and
    EN 16931 rule BR-E-02 then requires the Seller VAT identifier (BT-31).
    """
    if not doc.seller.vat_id:
        raise BillingInputError("seller.vat_id", "is missing: a VAT-exempt e-invoice needs the seller's "
                                "VAT identifier (EN 16931 BT-31, rule BR-E-02)")
    credit = isinstance(doc, CreditNote)
    root = ET.Element(f"{{{CREDIT_NOTE_NS if credit else INVOICE_NS}}}"
                      f"{'CreditNote' if credit else 'Invoice'}")
    _header(root, doc)
    _sub(_sub(root, "cac:AccountingSupplierParty"), "cac:Party").extend(_party(doc.seller))
    _sub(_sub(root, "cac:AccountingCustomerParty"), "cac:Party").extend(_party(doc.buyer))
    _payment_means(root, doc)
    _tax_total(root, doc.total_cents)
    _monetary_total(root, doc.total_cents)
    for number, line in enumerate(doc.lines, start=1):
        _line(root, number, line, credit)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(parent: ET.Element, tag: str, cents: int) -> None:
    _sub(parent, tag, format_cents(cents), currencyID="EUR")


def _header(root: ET.Element, doc: Document) -> None:
    credit = isinstance(doc, CreditNote)
    _sub(root, "cbc:CustomizationID", PEPPOL_CUSTOMIZATION)
    _sub(root, "cbc:ProfileID", PEPPOL_PROFILE)
    _sub(root, "cbc:ID", doc.number)
    _sub(root, "cbc:IssueDate", doc.issue_date.isoformat())
    if isinstance(doc, Invoice):
        _sub(root, "cbc:DueDate", doc.due_date.isoformat())
    _sub(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
         "381" if credit else "380")
    note = f"Inburgeraar {doc.learner.name}, BSN {doc.learner.bsn}, periode {doc.period}"
    _sub(root, "cbc:Note", f"{note}. Reden: {doc.reason}" if isinstance(doc, CreditNote) else note)
    _sub(root, "cbc:DocumentCurrencyCode", "EUR")
    _sub(root, "cbc:BuyerReference", doc.buyer_reference)
    period = _sub(root, "cac:InvoicePeriod")
    _sub(period, "cbc:StartDate", doc.period.first_day.isoformat())
    _sub(period, "cbc:EndDate", doc.period.last_day.isoformat())
    if isinstance(doc, CreditNote):  # not `credit`: only isinstance narrows doc for the checker
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", doc.corrects_number)
        _sub(reference, "cbc:IssueDate", doc.corrects_issue_date.isoformat())


def _party(party: Party) -> list[ET.Element]:
    holder = ET.Element("holder")
    scheme, legal_id = party.legal_id
    _sub(holder, "cbc:EndpointID", legal_id, schemeID=scheme)
    if party.bow_number:
        _sub(_sub(holder, "cac:PartyIdentification"), "cbc:ID", party.bow_number)
    _sub(_sub(holder, "cac:PartyName"), "cbc:Name", party.name)
    address = _sub(holder, "cac:PostalAddress")
    _sub(address, "cbc:StreetName", party.street)
    _sub(address, "cbc:CityName", party.city)
    _sub(address, "cbc:PostalZone", party.postcode)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country)
    if party.vat_id:
        tax = _sub(holder, "cac:PartyTaxScheme")
        _sub(tax, "cbc:CompanyID", party.vat_id)
        _sub(_sub(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _sub(holder, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", party.name)
    _sub(legal, "cbc:CompanyID", legal_id, schemeID=scheme)
    if party.email:
        _sub(_sub(holder, "cac:Contact"), "cbc:ElectronicMail", party.email)
    return list(holder)


def _payment_means(root: ET.Element, doc: Document) -> None:
    means = _sub(root, "cac:PaymentMeans")
    _sub(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
    _sub(means, "cbc:PaymentID", doc.payment_reference)
    account = _sub(means, "cac:PayeeFinancialAccount")
    _sub(account, "cbc:ID", (doc.seller.iban or "").replace(" ", ""))
    _sub(account, "cbc:Name", doc.seller.name)


def _exempt_category(parent: ET.Element, tag: str, with_reason: bool) -> None:
    category = _sub(parent, tag)
    _sub(category, "cbc:ID", "E")
    _sub(category, "cbc:Percent", "0")
    if with_reason:
        _sub(category, "cbc:TaxExemptionReasonCode", EXEMPTION_CODE)
        _sub(category, "cbc:TaxExemptionReason", EXEMPTION_REASON)
    _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _tax_total(root: ET.Element, total: int) -> None:
    tax_total = _sub(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", 0)
    subtotal = _sub(tax_total, "cac:TaxSubtotal")
    _amount(subtotal, "cbc:TaxableAmount", total)
    _amount(subtotal, "cbc:TaxAmount", 0)
    _exempt_category(subtotal, "cac:TaxCategory", with_reason=True)


def _monetary_total(root: ET.Element, total: int) -> None:
    totals = _sub(root, "cac:LegalMonetaryTotal")
    for tag in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"):
        _amount(totals, f"cbc:{tag}", total)


def quantity_and_price(line: InvoiceLine) -> tuple[str, str, int]:
    """(quantity, unit code, price in cents): hours x hourly rate where the line bills hours
    (`InvoiceLine.hours_x_rate`), else one unit at the line amount."""
    billed = line.hours_x_rate()
    if billed is None:
        return "1", ONE, line.amount_cents
    hours, rate = billed
    return f"{hours:f}", HOUR, rate


def _line(root: ET.Element, number: int, invoice_line: InvoiceLine, credit: bool) -> None:
    quantity, unit, price = quantity_and_price(invoice_line)
    line = _sub(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _sub(line, "cbc:ID", str(number))
    _sub(line, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", quantity, unitCode=unit)
    _amount(line, "cbc:LineExtensionAmount", invoice_line.amount_cents)
    item = _sub(line, "cac:Item")
    _sub(item, "cbc:Name", invoice_line.description[:100])
    _exempt_category(item, "cac:ClassifiedTaxCategory", with_reason=False)
    _amount(_sub(line, "cac:Price"), "cbc:PriceAmount", price)
